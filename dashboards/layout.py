"""Layout the pages share: tabs whose bodies run only when opened.

Streamlit runs every tab's body on every run and sends all of it to the browser, which loads the
scripts and draws the charts of tabs nobody looks at. ``lazy_tabs`` runs the open tab alone
(``on_change="rerun"``: switching tabs reruns the page), so a visit pays for what is on screen.
The open tab is in the URL, so a link can open it:

    lazy_tabs({"Over time": over_time, "What changed": what_changed}, key="drift_section")
    # http://127.0.0.1:8501/drift?drift_section=What+changed
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st


def lazy_tabs(sections: Mapping[str, Callable[[], None]], *, key: str) -> None:
    """One tab per section, in order (the first is open by default); only the open one's function runs."""
    for tab, draw in zip(st.tabs(list(sections), key=key, on_change="rerun", bind="query-params"), sections.values()):
        with tab:
            if tab.open:
                draw()
