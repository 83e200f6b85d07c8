"""``GET /v1/truth/incidents``: the simulator's ground-truth incidents, read-only.

Simulated turns carry a ``truth`` record (kept in its own table, never seen by the detectors).
This endpoint reduces it to one span per incident id, first to last turn in event time, so the
dashboard can draw what really happened beside what the monitor said. A real deployment has no
truth table rows, and the list is empty.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from services.api.deps import StoreDep

router = APIRouter(prefix="/v1/truth", tags=["ground truth"])


class TruthIncident(BaseModel):
    incident_id: str
    first_ts: datetime = Field(description="Event time of the incident's first turn.")
    last_ts: datetime = Field(description="Event time of its last turn.")
    n_events: int = Field(description="Turns labelled with this incident.")


class TruthIncidentList(BaseModel):
    incidents: list[TruthIncident]


@router.get("/incidents", response_model=TruthIncidentList)
def truth_incidents(store: StoreDep) -> TruthIncidentList:
    """One span per ground-truth incident id, in order of its first turn (empty for real traffic)."""
    return TruthIncidentList(incidents=[TruthIncident.model_validate(r) for r in store.incident_spans()])
