"""``monitor.yaml``: windows, the drift reference, the embedding model and the drift detectors.

Detector names and their parameters are checked against the registry in ``pipelines.drift`` when
the file is loaded, so a typo fails at start-up with the valid choices, not mid-stream::

    monitor.yaml: drift.default_detector: unknown drift detector 'mdd'; valid detectors: mmd, ...
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from services.config.base import Strict, load_model, parse_duration

Duration = Annotated[float, BeforeValidator(parse_duration)]


class WindowRange(Strict):
    """A fixed range of event time, RFC 3339."""

    start: datetime
    end: datetime

    @model_validator(mode="after")
    def _ordered(self) -> WindowRange:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end.isoformat()}) must be after start ({self.start.isoformat()})")
        return self


class ReferenceConfig(Strict):
    """Exactly one of ``first_events`` or ``window_range``."""

    first_events: int | None = Field(default=None, ge=2)
    window_range: WindowRange | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> ReferenceConfig:
        if (self.first_events is None) == (self.window_range is None):
            raise ValueError("give exactly one of first_events or window_range")
        return self


class EmbeddingConfig(Strict):
    model: str = "all-MiniLM-L6-v2"
    backend: Literal["minilm", "hashing"] = "minilm"
    input: Literal["response", "prompt", "both"] = "response"
    batch_size: int = Field(default=32, ge=1)
    cache_size: int = Field(default=10_000, ge=0)

    @model_validator(mode="after")
    def _model_matches_backend(self) -> EmbeddingConfig:
        if self.backend == "minilm" and self.model != "all-MiniLM-L6-v2":
            raise ValueError(f"backend minilm serves only model all-MiniLM-L6-v2, got {self.model!r}")
        return self


class SequentialConfig(Strict):
    """CUSUM over -log10(p) of the default detector (see ``pipelines.drift.cusum``)."""

    allowance: float = Field(default=1.0, gt=0)
    false_alarm_rate: float = Field(default=0.01, gt=0, lt=1)
    horizon: Duration = 86_400.0


class DriftConfig(Strict):
    sample_size: int = Field(default=500, ge=2)
    alpha: float = Field(default=0.01, gt=0, lt=1)
    default_detector: str = "mmd+knn"
    detectors: dict[str, dict[str, Any]] = Field(default_factory=dict)
    sequential: SequentialConfig = SequentialConfig()

    @field_validator("default_detector")
    @classmethod
    def _known_detector(cls, name: str) -> str:
        from pipelines.drift.registry import get_detector

        get_detector(name)
        return name

    @field_validator("detectors")
    @classmethod
    def _valid_params(cls, detectors: dict[str, dict[str, Any]], info: ValidationInfo) -> dict[str, dict[str, Any]]:
        from pipelines.drift.registry import validate_params

        alpha = info.data.get("alpha")
        if alpha is None:  # alpha itself was invalid and is reported on its own
            return detectors
        for name, params in detectors.items():
            validate_params(name, alpha, params or {})
        return detectors

    def params_for(self, name: str) -> dict[str, Any]:
        """The parameters configured for detector ``name`` (empty = its defaults)."""
        return dict(self.detectors.get(name) or {})


class MonitorConfig(Strict):
    window: Duration = 300.0
    allowed_lateness: Duration = 60.0
    reference: ReferenceConfig
    embedding: EmbeddingConfig = EmbeddingConfig()
    drift: DriftConfig = DriftConfig()

    @field_validator("window")
    @classmethod
    def _positive_window(cls, seconds: float) -> float:
        if seconds <= 0:
            raise ValueError(f"window must be longer than 0s, got {seconds:g}s")
        return seconds

    @model_validator(mode="after")
    def _horizon_covers_a_window(self) -> MonitorConfig:
        if self.drift.sequential.horizon < self.window:
            raise ValueError(
                f"drift.sequential.horizon ({self.drift.sequential.horizon:g}s) must be at least one window ({self.window:g}s)"
            )
        return self

    @property
    def horizon_windows(self) -> int:
        """Windows in one sequential-test horizon (what its threshold is calibrated over)."""
        return int(self.drift.sequential.horizon // self.window)


def load_monitor_config(config_dir: Path) -> MonitorConfig:
    """Load and validate ``config_dir / "monitor.yaml"``; raises ConfigError naming file, key and value."""
    return load_model(MonitorConfig, Path(config_dir) / "monitor.yaml")
