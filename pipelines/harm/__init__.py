"""Harm classification in tiers: rules (every event), a classifier, and human review.

This package is import-light on purpose: it only names the taxonomy, so that config validation
(``services.config.harm``) can check category names without compiling any detector. The rules
live in :mod:`pipelines.harm.rules` (entry point), built from :mod:`pipelines.harm.pii` and
:mod:`pipelines.harm.injection`.
"""

from __future__ import annotations

# The taxonomy. ``configs/harm_categories.yaml`` must describe exactly these, in any order.
CATEGORIES: tuple[str, ...] = (
    "harassment_hate",
    "self_harm",
    "violence_weapons",
    "illegal_activity",
    "misinformation",
    "sexual",
    "privacy_pii",
    "prompt_injection_jailbreak",
)

# The detection tiers a category can use, cheapest first.
TIERS: tuple[str, ...] = ("rules", "classifier", "human_review")

__all__ = ["CATEGORIES", "TIERS"]
