"""Service settings, read from the environment only when asked (never at import)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from services.config.base import repo_configs_dir

DEFAULT_DATABASE_URL = "sqlite:///var/lookout.db"
# The pipeline's stream name: one stream holds all traffic until streams are partitioned.
DEFAULT_STREAM = "all"


@dataclass(frozen=True)
class Settings:
    """Everything the service needs to start.

    ``LOOKOUT_DATABASE_URL``: any SQLAlchemy URL (default: a SQLite file under ``var/``).
    ``LOOKOUT_API_KEY``: when set, every write needs header ``X-API-Key`` with this value.
    ``LOOKOUT_CONFIG_DIR``: folder with ``monitor.yaml`` and friends (default: bundled ``configs/``).
    """

    database_url: str = DEFAULT_DATABASE_URL
    api_key: str | None = None
    config_dir: Path = field(default_factory=repo_configs_dir)
    # A full batch of 1,000 events with every text at its 32 KiB limit is ~64 MiB of JSON.
    max_body_bytes: int = 70 * 1024 * 1024
    # Run the pipeline worker as a thread inside the service (the embedded default).
    run_worker: bool = True

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        env = os.environ
        base = cls(
            database_url=env.get("LOOKOUT_DATABASE_URL") or DEFAULT_DATABASE_URL,
            api_key=env.get("LOOKOUT_API_KEY") or None,
            config_dir=Path(env["LOOKOUT_CONFIG_DIR"]) if env.get("LOOKOUT_CONFIG_DIR") else repo_configs_dir(),
        )
        return replace(base, **{k: v for k, v in overrides.items() if v is not None})


def sqlite_url(path: Path | str) -> str:
    """``sqlite:///`` URL for a file path (relative paths stay relative to the working dir)."""
    return f"sqlite:///{path}"
