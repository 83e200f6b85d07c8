"""Config models and loaders; one module per config file, all built on :mod:`services.config.base`."""

from services.config.base import ConfigError, Strict, load_model, parse_duration, repo_configs_dir

__all__ = ["ConfigError", "Strict", "load_model", "parse_duration", "repo_configs_dir"]
