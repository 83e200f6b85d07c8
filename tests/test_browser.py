"""The dashboard in a real browser (Debian's Chromium under Playwright): service and dashboard run
as processes on 127.0.0.1, a prompt-injection campaign opens an incident, a person acknowledges it
on the Alerts page, and the API says it is acknowledged.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest

from dashboards.local_stack import chromium, local_stack, missing_browser, stream, wait_until
from pipeline_helpers import config_dir

REASON = missing_browser()
pytestmark = [pytest.mark.slow, pytest.mark.skipif(REASON is not None, reason=f"browser test skipped: {REASON}")]

# The campaign starts two simulated hours in and pages within three 5-minute windows; 1,700 turns
# at 10 a minute reach 10:50, well past that. The first 600 turns go before the browser opens, so
# auto-refresh has new windows to show.
SCENARIO, FIRST, EVENTS = "injection-campaign", 600, 1700
WHO = "browser-test"


def open_incidents(api_url: str) -> list[dict]:
    return [i for i in httpx.get(f"{api_url}/v1/incidents", timeout=5).json()["incidents"] if i["status"] == "open"]


def settled(api_url: str) -> bool:
    """The worker has caught up: a window is closed and no new one closes for two seconds."""
    latest = lambda: httpx.get(f"{api_url}/v1/windows", params={"limit": 1}, timeout=5).json()["windows"]  # noqa: E731
    before = latest()
    time.sleep(2)
    return bool(before) and latest() == before


def test_overview_refreshes_itself_and_an_incident_is_acknowledged_through_the_dashboard(tmp_path: Path) -> None:
    configs = config_dir(tmp_path)
    with local_stack(tmp_path / "stack", config_dir=configs) as stack:
        stream(stack.api_url, SCENARIO, events=FIRST, config_dir=configs)
        wait_until(lambda: settled(stack.api_url), timeout=90, what="the worker to close every window it can")
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(60_000)
            page.goto(stack.dashboard_url)
            page.locator("[data-testid='stMetricValue']").first.wait_for()
            latest = page.get_by_text("Latest closed window:")
            before = latest.inner_text()

            # With auto-refresh on, new windows appear without a click or reload.
            page.get_by_text("Auto-refresh").click()
            stream(stack.api_url, SCENARIO, events=EVENTS, config_dir=configs)  # the first turns again: duplicates
            wait_until(lambda: latest.inner_text() != before, timeout=60, what="the overview to refresh itself")
            wait_until(lambda: settled(stack.api_url), timeout=120, what="the worker to catch up")
            assert open_incidents(stack.api_url), "the campaign opened an incident"

            page.get_by_role("link", name="Alerts & incidents").click()
            # Incidents and their actions are a tab of their own, run when opened.
            page.get_by_role("tab", name="Incidents").click()
            page.get_by_text("Act on an incident").wait_for()
            name = page.get_by_role("textbox", name="Your name")
            name.fill(WHO)
            name.press("Enter")
            # The selected incident is the combobox's value (Streamlit's selectbox is a react-aria ComboBox).
            chosen = page.get_by_role("combobox", name="Incident").input_value()
            incident_id = re.fullmatch(r"(\S+) · \w+ · open · level \d", chosen).group(1)
            page.get_by_role("button", name="Acknowledge").click()
            page.get_by_text(f"Acknowledge sent for {incident_id}").wait_for()

        def acknowledged() -> dict | None:
            incidents = httpx.get(f"{stack.api_url}/v1/incidents", timeout=5).json()["incidents"]
            found = next(i for i in incidents if i["id"] == incident_id)
            return found if found["status"] == "acknowledged" else None

        incident = wait_until(acknowledged, timeout=30, what=f"incident {incident_id} to be acknowledged")
    assert incident["acked_by"] == WHO
    assert any(e["event"] == "acknowledged" and e.get("by") == WHO for e in incident["timeline"])
