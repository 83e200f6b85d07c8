"""The dashboard in a real browser (Debian's Chromium under Playwright): service and dashboard run
as processes on 127.0.0.1, a prompt-injection campaign opens an incident, a person acknowledges it
on the Alerts page, and the API says it is acknowledged.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from dashboards.local_stack import chromium, local_stack, missing_browser, stream, wait_until
from pipeline_helpers import config_dir

REASON = missing_browser()
pytestmark = [pytest.mark.slow, pytest.mark.skipif(REASON is not None, reason=f"browser test skipped: {REASON}")]

# The campaign starts two simulated hours in and pages within three 5-minute windows; 1,700 turns
# at 10 a minute reach 10:50, well past that.
SCENARIO, EVENTS = "injection-campaign", 1700
WHO = "browser-test"


def open_incidents(api_url: str) -> list[dict]:
    return [i for i in httpx.get(f"{api_url}/v1/incidents", timeout=5).json()["incidents"] if i["status"] == "open"]


def test_acknowledge_an_incident_through_the_dashboard(tmp_path: Path) -> None:
    configs = config_dir(tmp_path)
    with local_stack(tmp_path / "stack", config_dir=configs) as stack:
        stream(stack.api_url, SCENARIO, events=EVENTS, config_dir=configs)
        wait_until(lambda: open_incidents(stack.api_url), timeout=120, what="an open incident")
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(60_000)
            page.goto(stack.dashboard_url)
            page.locator("[data-testid='stMetricValue']").first.wait_for()

            page.get_by_role("link", name="Alerts & incidents").click()
            page.get_by_text("Act on an incident").wait_for()
            # The selected incident is the combobox's value (Streamlit's selectbox is a react-aria ComboBox).
            chosen = page.get_by_role("combobox", name="Incident").input_value()
            incident_id = re.fullmatch(r"(\S+) · \w+ · open · level \d", chosen).group(1)
            name = page.get_by_role("textbox", name="Your name")
            name.fill(WHO)
            name.press("Enter")
            page.get_by_role("button", name="Acknowledge").click()
            page.get_by_text(f"Acknowledge sent for {incident_id}").wait_for()

        def acknowledged() -> dict | None:
            incidents = httpx.get(f"{stack.api_url}/v1/incidents", timeout=5).json()["incidents"]
            found = next(i for i in incidents if i["id"] == incident_id)
            return found if found["status"] == "acknowledged" else None

        incident = wait_until(acknowledged, timeout=30, what=f"incident {incident_id} to be acknowledged")
    assert incident["acked_by"] == WHO
    assert any(e["event"] == "acknowledged" and e.get("by") == WHO for e in incident["timeline"])
