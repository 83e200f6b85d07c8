"""``harm_categories.yaml``: the harm taxonomy as a risk register (severity, owner, tiers, thresholds,
cost of mistakes, and the matching Llama Guard 3 and OpenAI moderation categories).

The taxonomy itself is fixed in code (:data:`pipelines.harm.CATEGORIES`): the file must describe
exactly those categories, and a mistake is named precisely::

    harm_categories.yaml: categories: missing categories: self_harm; unknown categories: selfharm
    harm_categories.yaml: categories.sexual.severity: Input should be less than or equal to 4 (got 7)
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from pipelines.harm import CATEGORIES, TIERS
from services.config.base import Strict, load_model, one_of

HARM_FILE = "harm_categories.yaml"
ERROR_RATES_FILE = "harm_error_rates.yaml"
_TEAM = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")

LLAMA_GUARD_CODES: dict[str, str] = {
    "S1": "Violent Crimes", "S2": "Non-Violent Crimes", "S3": "Sex-Related Crimes",
    "S4": "Child Sexual Exploitation", "S5": "Defamation", "S6": "Specialized Advice",
    "S7": "Privacy", "S8": "Intellectual Property", "S9": "Indiscriminate Weapons", "S10": "Hate",
    "S11": "Suicide & Self-Harm", "S12": "Sexual Content", "S13": "Elections",
    "S14": "Code Interpreter Abuse",
}
OPENAI_MODERATION_CATEGORIES: tuple[str, ...] = (
    "harassment", "harassment/threatening", "hate", "hate/threatening", "illicit", "illicit/violent",
    "self-harm", "self-harm/intent", "self-harm/instructions", "sexual", "sexual/minors", "violence",
    "violence/graphic",
)


Tier = Annotated[str, one_of("tier", TIERS)]
LlamaGuardCode = Annotated[str, one_of("Llama Guard 3 code", tuple(LLAMA_GUARD_CODES))]
OpenAICategory = Annotated[str, one_of("OpenAI moderation category", OPENAI_MODERATION_CATEGORIES)]
Probability = Annotated[float, Field(strict=True, ge=0, le=1)]


def _no_repeats(values: tuple[str, ...]) -> tuple[str, ...]:
    repeated = sorted({v for v in values if values.count(v) > 1})
    if repeated:
        raise ValueError(f"listed more than once: {', '.join(repeated)}")
    return values


def _ordered_band(band: tuple[float, float]) -> tuple[float, float]:
    if band[0] >= band[1]:
        raise ValueError(f"low ({band[0]:g}) must be below high ({band[1]:g})")
    return band


class Thresholds(Strict):
    """When a score flags an event, and which scores go to people for review."""

    flag: float = Field(strict=True, gt=0, lt=1)
    review_band: tuple[Probability, Probability]

    _ordered = field_validator("review_band")(_ordered_band)

    @model_validator(mode="after")
    def _band_brackets_flag(self) -> Thresholds:
        low, high = self.review_band
        # The band is the uncertain zone around the decision: outside it, people review nothing
        # the model is unsure about.
        if not low <= self.flag <= high:
            raise ValueError(f"review_band [{low:g}, {high:g}] must contain the flag threshold {self.flag:g}")
        return self


class Cost(Strict):
    """Price of one mistake in cost units (1 unit = one needless flag cleared by a reviewer)."""

    false_negative: float = Field(strict=True, gt=0)
    false_positive: float = Field(strict=True, gt=0)


class HarmCategory(Strict):
    """One row of the risk register (see the field guide at the top of harm_categories.yaml)."""

    description: str = Field(min_length=1)
    severity: int = Field(strict=True, ge=1, le=4)
    owner: str
    tiers: tuple[Tier, ...]
    thresholds: Thresholds
    cost: Cost
    llama_guard: tuple[LlamaGuardCode, ...]
    openai_moderation: tuple[OpenAICategory, ...]

    _unique = field_validator("tiers", "llama_guard", "openai_moderation")(_no_repeats)

    @field_validator("tiers")
    @classmethod
    def _some_tier(cls, tiers: tuple[str, ...]) -> tuple[str, ...]:
        if not tiers:
            raise ValueError(f"give at least one tier ({', '.join(TIERS)}): an undetected category is not monitored")
        return tiers

    @field_validator("owner")
    @classmethod
    def _team_slug(cls, owner: str) -> str:
        if not _TEAM.fullmatch(owner):
            raise ValueError(
                f"owner must be a team name such as trust-safety (lowercase letters, digits, dashes), got {owner!r}"
            )
        return owner


class ClassifierSettings(Strict):
    """How the pipeline runs tier 2 on every event (``classifier:`` in harm_categories.yaml)."""

    mode: Literal["text", "cascade", "full"] = Field(
        default="text",
        description="text: TF-IDF head only (thousands of events/s); cascade: MiniLM head also on "
        "the uncertain ones; full: both heads on every event (about 40 events/s on 2 cores).",
    )
    cascade_band: tuple[Probability, Probability] = (0.3, 0.9)
    not_on_responses: tuple[str, ...] = Field(
        default=(),
        description="Categories the classifier does not judge on bot responses in the pipeline (the rules still do).",
    )
    even_odds: tuple[Literal["prompt", "response"], ...] = Field(
        default=("prompt", "response"),
        description="Roles whose classifier scores are moved from the training corpus's mix of harmful and "
        "benign rows to even odds, so a threshold reads as a likelihood ratio; the others keep the corpus's mix.",
    )

    @field_validator("not_on_responses")
    @classmethod
    def _known_categories(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        if problem := _unknown_categories(names):
            raise ValueError(problem)
        return names

    _ordered = field_validator("cascade_band")(_ordered_band)


def embedding_mismatch(mode: str, trained_on: str | None, have: str | None) -> str | None:
    """Why the classifier cannot run in ``mode`` on these embeddings, or ``None`` when it can.

    ``cascade`` and ``full`` feed the pipeline's embeddings (``monitor.yaml``'s
    ``embedding.backend``, or the embedder a command passes in, as ``lookout score --fast`` does)
    to an embedding head trained on one backend's vectors (``trained_on``: ``minilm``,
    ``hashing``, or ``none`` for a model without that head). Another backend's vectors raise no
    error anywhere; the head just scores nonsense, so it is refused here. ``have=None`` (an
    embedder of unknown kind) cannot be checked and passes.

    >>> embedding_mismatch("text", "minilm", "hashing") is None
    True
    >>> print(embedding_mismatch("cascade", "minilm", "hashing"))  # doctest: +ELLIPSIS
    harm_categories.yaml: classifier.mode: cascade feeds the pipeline's hashing embeddings to ...
    """
    if mode == "text" or have is None or trained_on == have:
        return None
    if trained_on in (None, "none"):
        return (f"{HARM_FILE}: classifier.mode: {mode} needs a harm model with an embedding head, and this one has none; "
                f"set mode: text, or retrain with `lookout train-harm --embedder {have}`")
    return (f"{HARM_FILE}: classifier.mode: {mode} feeds the pipeline's {have} embeddings to an embedding head "
            f"trained on {trained_on} embeddings, which would score nonsense; set mode: text, use "
            f"embedding.backend: {trained_on} in monitor.yaml (and no --fast), or retrain with "
            f"`lookout train-harm --embedder {have}`")


def trained_embedder(meta: dict[str, Any]) -> str:
    """What a harm model's embedding head was trained on (``minilm``, ``hashing``), or ``none``,
    from the model's metadata (``<model>.json``, also ``HarmClassifier.metadata`` once loaded)."""
    return meta.get("embedder") if meta.get("has_embedding_head") else "none"


def model_embedder(path: Path | None = None) -> str | None:
    """:func:`trained_embedder` of the model file (its JSON alone, not the arrays); ``None`` when
    the file cannot be read (loading the model says why)."""
    from pipelines.harm.classifier import DEFAULT_MODEL_PATH

    try:
        meta = json.loads((path or DEFAULT_MODEL_PATH).with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return trained_embedder(meta)


def _unknown_categories(names) -> str | None:
    """``"unknown categories: ..."`` naming the valid ones, or ``None`` when every name is known."""
    unknown = [n for n in names if n not in CATEGORIES]
    return f"unknown categories: {', '.join(unknown)} (valid: {', '.join(CATEGORIES)})" if unknown else None


class MeasuredCounts(Strict):
    """The tiers' confusion counts for one category on labelled traffic."""

    tp: int = Field(strict=True, ge=0)
    fn: int = Field(strict=True, ge=0)
    fp: int = Field(strict=True, ge=0)
    tn: int = Field(strict=True, ge=0)
    window_fpr_high: float | None = Field(default=None, ge=0, lt=1)


class ErrorRatesFile(Strict):
    """``harm_error_rates.yaml``, written by ``lookout measure-tiers`` (provenance + counts)."""

    measured_on: dict[str, Any]
    categories: dict[str, MeasuredCounts]

    @field_validator("categories")
    @classmethod
    def _known(cls, categories: dict[str, MeasuredCounts]) -> dict[str, MeasuredCounts]:
        if problem := _unknown_categories(categories):
            raise ValueError(problem)
        return categories


class HarmConfig(Strict):
    """The whole register: exactly the categories of :data:`pipelines.harm.CATEGORIES`."""

    categories: dict[str, HarmCategory]
    classifier: ClassifierSettings = ClassifierSettings()
    # Not written in harm_categories.yaml: loaded from harm_error_rates.yaml when that file exists.
    error_rates: ErrorRatesFile | None = None

    @field_validator("categories")
    @classmethod
    def _exactly_the_taxonomy(cls, categories: dict[str, HarmCategory]) -> dict[str, HarmCategory]:
        missing = [c for c in CATEGORIES if c not in categories]
        problems = [f"missing categories: {', '.join(missing)}"] if missing else []
        if unknown := _unknown_categories(categories):
            problems.append(unknown)
        if problems:
            raise ValueError("; ".join(problems))
        return categories

    def flag_thresholds(self) -> dict[str, float]:
        """Category -> flag threshold, the form :meth:`pipelines.harm.rules.RuleResult.flagged` takes."""
        return {name: c.thresholds.flag for name, c in self.categories.items()}

    def using_tier(self, tier: str) -> tuple[str, ...]:
        """Categories for which ``tier`` runs, in taxonomy order."""
        return tuple(name for name in CATEGORIES if tier in self.categories[name].tiers)


def load_harm_config(config_dir: Path) -> HarmConfig:
    """Load and validate ``config_dir / "harm_categories.yaml"`` (and ``harm_error_rates.yaml``
    when present); raises ConfigError naming file, key and value."""
    harm = load_model(HarmConfig, Path(config_dir) / HARM_FILE)
    rates_path = Path(config_dir) / ERROR_RATES_FILE
    if rates_path.is_file():
        harm = harm.model_copy(update={"error_rates": load_model(ErrorRatesFile, rates_path)})
    return harm
