"""``POST /v1/whatif`` and ``POST /v1/whatif/score``: try a candidate alerting config.

``/v1/whatif`` replays the candidate's alert rules and escalation over the stored window results
(nothing is recomputed or written) and returns the alerts it would have fired beside those that
did, with scorecards of both when the store holds simulated ground truth.
``/v1/whatif/score`` runs a scenario headless (fast hashing embedder, at most 5,000 turns) under
the current and the candidate config and scores both: for changes a replay cannot show.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from services.api.deps import SettingsDep, StoreDep
from services.config.base import ConfigError
from services.errors import ApiError, ErrorBody
from services.settings import DEFAULT_STREAM

router = APIRouter(prefix="/v1/whatif", tags=["what-if"])


class Candidate(BaseModel):
    documents: dict[str, str] = Field(default_factory=dict, description="Whole files by name (alerts.yaml, escalation.yaml): YAML text.")
    overrides: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Maps merged onto the service's files by name; alert rules merge by `alert` name."
    )


class ScoreRequest(Candidate):
    scenario: str = Field(description="A bundled scenario or an exercise name.")
    seed: int = 1
    events: int = Field(default=2000, ge=100, le=5000, description="Turns to simulate (bounded to keep the request short).")


def _config_error(exc: ConfigError) -> ApiError:
    return ApiError(422, "candidate", "; ".join(exc.problems))


@router.post("", responses={422: {"model": ErrorBody}})
def whatif(body: Candidate, store: StoreDep, settings: SettingsDep) -> dict[str, Any]:
    from services.scoring_whatif import candidate_config, whatif as replay

    try:
        candidate = candidate_config(settings.config_dir, documents=body.documents, overrides=body.overrides)
    except ConfigError as exc:
        raise _config_error(exc) from None
    return replay(store, candidate, stream=DEFAULT_STREAM)


@router.post("/score", responses={422: {"model": ErrorBody}})
def whatif_score(body: ScoreRequest, settings: SettingsDep) -> dict[str, Any]:
    from pipelines.embedding import make_embedder
    from services.scoring import available_exercises, score_scenarios
    from services.scoring_whatif import write_candidate
    from simulators.scenario import available_scenarios

    known = available_scenarios(settings.config_dir) + available_exercises()
    if body.scenario not in known:
        raise ApiError(422, "scenario", f"unknown scenario {body.scenario!r}; available: {', '.join(known)}")
    with tempfile.TemporaryDirectory(prefix="lookout-whatif-") as tmp:
        try:
            cand = write_candidate(settings.config_dir, Path(tmp) / "cfg", documents=body.documents, overrides=body.overrides)
            cards = {side: score_scenarios([body.scenario], config_dir=cfg, seeds=1, embedder=make_embedder("hashing"), limit=body.events)
                     for side, cfg in (("current", settings.config_dir), ("candidate", cand))}  # fmt: skip
        except ConfigError as exc:
            raise _config_error(exc) from None
    return {side: next(iter(card["scenarios"].values())) for side, card in cards.items()}
