"""All of a config folder at once: what the service, the worker and `lookout check-config` load."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from services.config.base import ConfigError
from services.config.harm import HarmConfig, load_harm_config
from services.config.monitor import MonitorConfig, load_monitor_config


@dataclass(frozen=True)
class LookoutConfig:
    monitor: MonitorConfig
    harm: HarmConfig


def load_config(config_dir: Path) -> LookoutConfig:
    """Load every config file of ``config_dir``; one ConfigError lists the problems of them all."""
    problems: list[str] = []
    loaded = {}
    for name, loader in (("monitor", load_monitor_config), ("harm", load_harm_config)):
        try:
            loaded[name] = loader(Path(config_dir))
        except ConfigError as exc:
            problems += exc.problems
    if problems:
        raise ConfigError(problems)
    return LookoutConfig(**loaded)
