"""Review queue: the turns the tiers were unsure about (or too severe to leave to a model), each
with prompt and response, a verdict and a reviewer name; beside it, what the labels so far say
about each tier's precision.

Prompt and response are untrusted: ``st.text`` shows them literally (no Markdown, no HTML), with
their line breaks. (``st.code`` would too, but it loads a 1.5 MB syntax highlighter into the browser
for every visit: 1-2.5 s on two busy cores.)
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import charts, client
from dashboards.layout import lazy_tabs

st.title("Review queue")

@st.fragment(run_every=st.session_state.get("refresh_seconds"))
def precision() -> None:
    if (data := client.read_or_report(client.precision)) is None:
        return
    rows = [{"tier": tier, "category": cat, "measure": measure, "k": r["k"], "n": r["n"],
             "rate": r["rate"], "low": r["low"], "high": r["high"]}
            for tier, by_cat in data["tiers"].items() for cat, entry in by_cat.items() for measure, r in entry.items()]
    st.caption(f"{data['labelled']} labelled items. precision: share of flagged items reviewers confirmed; "
               "missed_share: share of unflagged (uncertain) items that were harmful after all.")
    if rows:
        confirmed = [{**r, "tier · category": f"{r['tier']} · {r['category']}"} for r in rows if r["measure"] == "precision"]
        if confirmed:
            st.vega_lite_chart(charts.interval_bars(confirmed, "tier · category", "Precision with confidence interval"))
        st.dataframe(pd.DataFrame(rows), hide_index=True,
                     column_config={c: st.column_config.NumberColumn(format="percent") for c in ("rate", "low", "high")})
    else:
        st.info("No labels yet.")


def queue() -> None:
    # Three at a time: each item is a dozen elements and a form for the browser to draw (an A/B
    # at load 5.5, 5 visits each: 2.12 s median with five items, 1.99 s with three, 1.69 s with one).
    shown = st.number_input("Items to show", min_value=1, max_value=200, value=3, step=3)
    pending = client.read_or_report(client.review_items, status="pending", limit=int(shown))
    # The verdicts the API accepts: a harm category from the risk register, or benign.
    register = None if pending is None else client.read_or_report(client.risk_register)
    if register is None:
        return
    labels = ["benign", *register]
    st.caption("Flagged turns first, then the ones the tiers were unsure about; oldest first within each. "
               "Prompt and response are shown exactly as received.")
    reviewer = st.text_input("Reviewer", key="reviewer", help="Kept with every label you submit.")

    for item in pending:
        with st.container(border=True):
            # segment and model_version come from the event too: plain text.
            st.text(f"{item['ts']} · {item['segment']} · {item['model_version']} · tier {item['tier']} · "
                    f"reason {item['reason']}")
            st.write(f"Proposed: **{item['category']}** (score {item['score']:.2f}, "
                     f"{'flagged' if item['flagged'] else 'not flagged'})")
            prompt, response = st.columns(2)
            prompt.caption("Prompt")
            prompt.text(item["prompt"])
            response.caption("Response")
            response.text(item["response"])
            with st.form(f"label-{item['event_id']}"):
                default = labels.index(item["category"]) if item["category"] in labels else 0
                verdict = st.selectbox("Verdict", labels, index=default)
                if st.form_submit_button("Submit label"):
                    if not reviewer.strip():
                        st.error("Enter your name as reviewer first.")
                    else:
                        try:
                            client.label_review(item["event_id"], label=verdict, reviewer=reviewer.strip())
                        except client.ServiceError as exc:
                            st.error(str(exc))
                        else:
                            # A toast survives the rerun that drops the labelled item from the list.
                            st.toast(f"Labelled {item['event_id']} as {verdict}.")
                            st.rerun()
    if not pending:
        st.success("Nothing waiting for review.")


# The precision chart and table are read and drawn when their tab is opened.
lazy_tabs({"Pending": queue, "Precision per tier": precision}, key="review_section")
