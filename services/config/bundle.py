"""All of a config folder at once: what the service, the worker and `lookout check-config` load."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from services.config.base import ConfigError
from services.config.alerts import AlertsConfig, load_alerts_config
from services.config.escalation import EscalationConfig, check_alerts_against_escalation, load_escalation_config
from services.config.harm import HarmConfig, embedding_mismatch, load_harm_config, model_embedder
from services.config.monitor import MonitorConfig, load_monitor_config


@dataclass(frozen=True)
class LookoutConfig:
    monitor: MonitorConfig
    harm: HarmConfig
    alerts: AlertsConfig
    escalation: EscalationConfig


def load_config(config_dir: Path) -> LookoutConfig:
    """Load every config file of ``config_dir``; one ConfigError lists the problems of them all."""
    problems: list[str] = []
    loaded = {}
    loaders = (("monitor", load_monitor_config), ("harm", load_harm_config),
               ("alerts", load_alerts_config), ("escalation", load_escalation_config))
    for name, loader in loaders:
        try:
            loaded[name] = loader(Path(config_dir))
        except ConfigError as exc:
            problems += exc.problems
    if "alerts" in loaded and "escalation" in loaded:
        problems += check_alerts_against_escalation(loaded["alerts"], loaded["escalation"])
    if "monitor" in loaded and "harm" in loaded and loaded["harm"].classifier.mode != "text":
        trained_on = model_embedder()
        if trained_on is not None and (problem := embedding_mismatch(
                loaded["harm"].classifier.mode, trained_on, loaded["monitor"].embedding.backend)):
            problems.append(problem)
    if problems:
        raise ConfigError(problems)
    return LookoutConfig(**loaded)
