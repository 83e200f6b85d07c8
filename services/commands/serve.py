"""``lookout serve``: run the API (ingestion, queries, /metrics) with uvicorn."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer


def database_url(db: str | None) -> str | None:
    """``--db`` takes a SQLAlchemy URL or a file path (made a SQLite URL)."""
    if db is None:
        return None
    return db if "://" in db else f"sqlite:///{Path(db).expanduser()}"


def safe_url(url: str) -> str:
    """The URL with any password masked, for logs."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    db: Annotated[Optional[str], typer.Option(help="SQLite file path or SQLAlchemy URL (default: LOOKOUT_DATABASE_URL or var/lookout.db).")] = None,
    config_dir: Annotated[Optional[Path], typer.Option(help="Config folder (default: bundled configs/).")] = None,
    worker: Annotated[bool, typer.Option("--worker/--no-worker", help="Run the pipeline worker inside the service (default) or not (then run `lookout worker`).")] = True,
    log_level: Annotated[str, typer.Option()] = "info",
) -> None:
    """Start the Lookout service."""
    import uvicorn

    from services.app import create_app
    from services.settings import Settings

    import logging

    logging.basicConfig(level=getattr(logging, log_level.upper(), logging.INFO), format="%(asctime)s %(name)s %(message)s")
    settings = Settings.from_env(database_url=database_url(db), config_dir=config_dir, run_worker=worker)
    typer.echo(f"Lookout API on http://{host}:{port}  (store: {safe_url(settings.database_url)})", err=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level, access_log=False)
