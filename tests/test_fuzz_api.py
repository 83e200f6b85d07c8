"""Fuzz every operation of the OpenAPI schema in-process (schemathesis over the ASGI app, bounded,
derandomized): nothing answers 5xx, and every 4xx says what is wrong in the one error shape
``{"detail": ..., "errors": [{"path": ..., "message": ...}]}`` (services/errors.py)."""

from __future__ import annotations

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from prometheus_client import CollectorRegistry

from pipeline_helpers import config_dir
from services.app import create_app
from services.settings import Settings


def _operations(schema: schemathesis.schemas.BaseSchema) -> list:  # noqa: ANN001
    return [result.ok() for result in schema.get_all_operations()]


def test_no_operation_answers_5xx_and_every_4xx_names_the_problem(tmp_path, db_url) -> None:
    # Driven by hand rather than by schemathesis' pytest plugin, which does not work with pytest 9.
    settings_ = Settings(database_url=db_url, config_dir=config_dir(tmp_path), run_worker=False)
    app = create_app(settings_, registry=CollectorRegistry())
    with TestClient(app):  # runs the lifespan: the store stays open for every generated call
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        operations = _operations(schema)
        assert len(operations) >= 15  # every route, not an empty schema
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(max_examples=25, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            def fuzz(case: schemathesis.Case) -> None:
                response = case.call()
                where = f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:500]}"
                assert response.status_code < 500, where
                if 400 <= response.status_code < 500:
                    body = response.json()
                    assert isinstance(body.get("detail"), str) and body["detail"], where
                    assert body["errors"] and all(e["path"] and e["message"] for e in body["errors"]), where

            fuzz()
