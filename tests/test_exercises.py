"""Case-study exercises (docs/exercises, configs/exercises): each reference solution meets every
goal of its exercise, and the default config misses at least one (fast embedder, seed 1)."""

from __future__ import annotations

import pytest

from pipeline_helpers import config_dir
from services.scoring import available_exercises, exercise_config, exercises_dir, score_scenarios
from simulators.scenario import load_scenario


def test_there_are_at_least_six_exercises_each_with_a_goal_a_solution_and_a_write_up():
    names = available_exercises()
    assert len(names) >= 6
    docs = exercises_dir().parent.parent / "docs" / "exercises"
    for name in names:
        scenario = load_scenario(exercises_dir() / name / "scenario.yaml")
        assert scenario.goal, name
        assert list((exercises_dir() / name / "solution").glob("*.yaml")), name
        assert f"lookout score --exercise {name}" in (docs / f"{name}.md").read_text(), name


@pytest.mark.slow
@pytest.mark.parametrize("name", available_exercises())
def test_the_solution_meets_the_goals_and_the_default_does_not(tmp_path, name):
    base = config_dir(tmp_path)
    verdicts = {}
    for solution in (False, True):
        cfg = exercise_config(name, base, tmp_path / f"cfg-{solution}", solution=solution)
        card = score_scenarios([name], config_dir=cfg, seeds=1)
        verdicts[solution] = next(iter(card["scenarios"].values()))["goals"]
    assert all(g["passed"] for g in verdicts[True]), verdicts[True]
    assert not all(g["passed"] for g in verdicts[False]), verdicts[False]
