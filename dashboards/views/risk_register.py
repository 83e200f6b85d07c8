"""Risk register: every harm category with its severity, owner, detection tiers, thresholds and the
cost of a mistake (from ``harm_categories.yaml``), beside its flag rate in the latest window."""

from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd
import streamlit as st

from dashboards import charts, client

SEVERITY = {1: "1 low", 2: "2 moderate", 3: "3 high", 4: "4 critical"}

st.title("Risk register")
st.caption("Taxonomy from the service's harm_categories.yaml (edit the file, then `lookout check-config`); "
           "rates from the latest closed window (raw flags, and corrected for the tiers' measured error rates); "
           "the latest alert that fired per category (event time).")

register = client.read_or_report(client.risk_register)
if register is None:
    st.stop()

try:
    windows = client.windows(limit=1, parts=client.rate_parts("harm.categories.*") + client.corrected_parts("harm.categories.*"))
except client.ServiceError as exc:
    st.warning(f"Current rates unavailable: {exc}")
    windows = []
latest = windows[-1]["result"]["harm"]["categories"] if windows else {}

try:
    alerts = client.alerts()
except client.ServiceError as exc:
    st.warning(f"Alerts unavailable: {exc}")
    alerts = []
# The latest alert that fired for each category (alerts carry the category as a label).
last_alert: dict[str, dict] = {}
for a in alerts:
    category = a["labels"].get("category")
    if category and a["fired_at"] is not None and a["fired_at"] > last_alert.get(category, {}).get("fired_at", -1):
        last_alert[category] = a


def last_alert_text(category: str) -> str:
    a = last_alert.get(category)
    if a is None:
        return ""
    return f"{a['alert']} ({a['state']}, {datetime.fromtimestamp(a['fired_at'], timezone.utc):%Y-%m-%d %H:%M})"


rows = []
for name, c in register.items():
    rate = latest.get(name)
    thresholds = c.get("thresholds") or {}
    rows.append({
        "category": name,
        "severity": SEVERITY.get(c.get("severity"), c.get("severity")),
        "owner": c.get("owner"),
        "tiers": ", ".join(c.get("tiers", [])),
        "flag threshold": "" if thresholds.get("flag") is None else f"{thresholds['flag']:g}",
        "review band": " – ".join(f"{v:g}" for v in thresholds.get("review_band", [])),
        "cost FN : FP": f"{c['cost']['false_negative']:g} : {c['cost']['false_positive']:g}" if c.get("cost") else "",
        "rate now": None if rate is None else rate["rate"],
        "interval": "" if rate is None else f"{rate['low']:.1%} – {rate['high']:.1%}",
        "flags": None if rate is None else f"{rate['k']}/{rate['n']}",
        "corrected": "" if rate is None else charts.corrected_text(rate.get("corrected")),
        "last alert": last_alert_text(name),
        "description": c.get("description", ""),
    })
table = pd.DataFrame(rows).sort_values(["severity", "category"], ascending=[False, True])
table["rate now"] = table["rate now"].map(lambda r: "" if pd.isna(r) else f"{r:.1%}")
# A static table: eight rows need no scrolling grid, whose script and canvas drawing cost the
# browser about 0.3 s per visit. Every cell is the service's config or a number (no event text).
st.table(table, hide_index=True)
if windows:
    st.caption(f"Latest window: {windows[-1]['window_start']} → {windows[-1]['window_end']}")
