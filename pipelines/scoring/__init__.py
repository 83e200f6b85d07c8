"""Scoring a monitor against ground truth: incidents, signals, scorecards, goals, reports (pure)."""

from pipelines.scoring.goals import check_goals, validate_goals
from pipelines.scoring.scorecard import score_run, summarise
from pipelines.scoring.truth import Incident, Signal, incidents_from_truth, signals_from_windows

__all__ = ["Incident", "Signal", "check_goals", "incidents_from_truth", "score_run", "signals_from_windows", "summarise", "validate_goals"]
