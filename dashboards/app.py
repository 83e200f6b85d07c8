"""The Lookout dashboard: one file per page under ``views/``, all data over HTTP (``client.py``).

    streamlit run dashboards/app.py            # or: lookout dashboard --api-url http://...

The folder is ``views/``, not ``pages/``: a ``pages/`` folder beside the entry script switches
Streamlit to its older multipage mode, where a deep link such as ``/drift`` runs the page file
alone, without this navigation and sidebar.

The sidebar holds what every page shares: which service it talks to, and auto-refresh for demos.
Pages read ``st.session_state["refresh_seconds"]`` (``None`` = off) and rerun their live part in
an ``st.fragment(run_every=...)``, so a refresh does not reset the rest of the screen.
"""

from __future__ import annotations

import streamlit as st

from dashboards import client

st.set_page_config(page_title="Lookout", page_icon=":material/visibility:", layout="wide")

pages = st.navigation([
    st.Page("views/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("views/drift.py", title="Drift", icon=":material/waves:"),
    st.Page("views/harm.py", title="Harm", icon=":material/warning:"),
    st.Page("views/alerts.py", title="Alerts & incidents", icon=":material/notifications_active:"),
    st.Page("views/review.py", title="Review queue", icon=":material/fact_check:"),
    st.Page("views/risk_register.py", title="Risk register", icon=":material/table:"),
    st.Page("views/playground.py", title="Playground", icon=":material/science:"),
])

with st.sidebar:
    st.caption("Service")
    st.text(client.api_url())
    live = st.toggle("Auto-refresh", value=False, help="Re-read the service while a demo runs.")
    # The interval only while refreshing: a slider's script (with its number and date formatting)
    # is loaded by every page that shows one, about 0.1 s of the browser's time per page visit.
    every = st.select_slider("Every (seconds)", options=[2, 5, 10, 30, 60], value=5, key="refresh_every") if live else None
    st.session_state["refresh_seconds"] = every
    if st.button("Refresh now"):
        st.cache_data.clear()

pages.run()
