"""The FastAPI app factory: nothing is built at import time.

    from services.app import create_app
    from services.settings import DEFAULT_STREAM, Settings
    app = create_app(Settings(database_url="sqlite:///var/demo.db"))

With ``settings.run_worker`` the pipeline worker runs as a thread for the app's lifetime (the
embedded default); ``lookout worker`` runs the same loop as its own process instead.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI
from prometheus_client import CollectorRegistry
from pydantic import BaseModel

from pipelines.embedding import Embedder
from services.api import alertmanager, alerts, events, health, review, silences, status, taxonomy, truth, whatif, window_parts, windows
from services.api.deps import reject_nul
from services.config.bundle import load_config
from services.errors import install_error_handlers
from services.metrics import ServiceMetrics, StoredStateCollector
from services.schemas import EventBatch
from services.settings import DEFAULT_STREAM, Settings
from services.store import Store, open_store


def create_app(
    settings: Settings | None = None,
    *,
    registry: CollectorRegistry | None = None,
    store: Store | None = None,
    embedder: Embedder | None = None,
    on_action: Callable[[dict[str, Any]], None] | None = None,
) -> FastAPI:
    """Build the service. ``store``, ``registry`` and ``embedder`` may be passed in (tests do);
    ``on_action`` receives escalation's automatic actions (the demo wires it to the bot)."""
    settings = settings or Settings.from_env()
    registry = registry if registry is not None else CollectorRegistry()
    # An invalid config stops start-up here, with the file, key and value in the message.
    configs = load_config(settings.config_dir)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own_store = store is None
        app.state.store = store or open_store(settings.database_url)
        if not own_store:
            app.state.store.create_schema()
        stop = threading.Event()
        thread = None
        if settings.run_worker:
            from services.worker import PipelineWorker

            from services.notify import Notifier

            worker = PipelineWorker(app.state.store, configs, embedder=embedder, notifier=Notifier(on_action=on_action))
            thread = threading.Thread(target=worker.run, args=(stop,), name="lookout-worker", daemon=True)
            thread.start()
        try:
            yield
        finally:
            stop.set()
            if thread is not None:
                thread.join(timeout=30)
            if own_store:
                app.state.store.close()

    app = FastAPI(
        title="Lookout",
        version="0.1.0",
        summary="Monitoring for an LLM support chatbot: ingest turns, measure drift and harm, alert.",
        lifespan=lifespan,
        dependencies=[Depends(reject_nul)],
    )
    app.state.settings = settings
    app.state.configs = configs
    app.state.monitor = configs.monitor
    app.state.metrics = ServiceMetrics(registry)
    registry.register(StoredStateCollector(lambda: getattr(app.state, "store", None), DEFAULT_STREAM))
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(events.router)
    app.include_router(windows.router)
    app.include_router(review.router)
    app.include_router(alerts.router)
    app.include_router(truth.router)
    app.include_router(status.router)
    app.include_router(taxonomy.router)
    app.include_router(window_parts.router)
    app.include_router(silences.router)
    app.include_router(alertmanager.router)
    app.include_router(whatif.router)
    _declare_schemas(app, EventBatch)
    return app


def _declare_schemas(app: FastAPI, *models: type[BaseModel]) -> None:
    """Add models used by hand-parsed bodies to the OpenAPI components."""
    base_openapi = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = base_openapi()
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for model in models:
                spec = model.model_json_schema(ref_template="#/components/schemas/{model}")
                components.update(spec.pop("$defs", {}))
                components[model.__name__] = spec
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
