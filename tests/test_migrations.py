"""Schema migrations: a database from before migrations existed, or one version behind, upgrades
to exactly the schema in services/store/schema.py with its data intact; many processes starting
at once migrate once."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from conftest import REPO, make_event
from services.schemas import EventList
from services.store import open_store
from services.store.events import make_engine
from services.store.migrations import HEAD, MIGRATIONS, add_columns, current_version, migrate
from services.store.schema import metadata

PREVIOUS_SQLITE = REPO / "tests" / "fixtures" / "schema_v0_sqlite.sql"


def _shape(engine) -> dict[str, set[str]]:  # noqa: ANN001
    insp = inspect(engine)
    return {name: {c["name"] for c in insp.get_columns(name)} for name in insp.get_table_names() if name != "schema_version"}


def test_every_table_in_schema_py_comes_from_a_migration(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate(engine)
    assert _shape(engine) == {t.name: {c.name for c in t.columns} for t in metadata.sorted_tables}
    assert [m.version for m in MIGRATIONS] == list(range(1, HEAD + 1))
    engine.dispose()


def test_a_database_from_before_migrations_upgrades_and_keeps_its_events(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(PREVIOUS_SQLITE.read_text())
    assert "stream_leases" not in _shape(create_engine(f"sqlite:///{path}"))

    store = open_store(f"sqlite:///{path}")  # what every start-up does
    with store.engine.connect() as conn:
        assert current_version(conn) == HEAD
    assert _shape(store.engine) == {t.name: {c.name for c in t.columns} for t in metadata.sorted_tables}
    assert [e["event_id"] for e in store.list_events()] == ["old-1"]
    assert store.truth_for(["old-1"])["old-1"]["phase"] == "steady"
    # New writes continue the old sequence and the new tables work.
    store.insert_events(EventList.validate_python([make_event(1)]))
    assert [e["seq"] for e in store.list_events()] == [1, 2]
    assert store.acquire_lease("all", "w1", ttl_seconds=5) is not None
    store.close()


def test_a_column_step_adds_what_an_older_database_lacks_and_nothing_twice(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'cols.db'}")
    migrate(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE stream_leases DROP COLUMN acquired_at")
    step = add_columns("stream_leases", "acquired_at")
    for _ in range(2):  # an older database, then one that already has it
        with engine.begin() as conn:
            step(conn)
    assert "acquired_at" in _shape(engine)["stream_leases"]
    engine.dispose()


def _upgrade_from_previous_version(url: str) -> None:
    engine = make_engine(url)
    assert [m.version for m in migrate(engine, target=HEAD - 1)] == list(range(1, HEAD))
    store = open_store(url, create=False)
    store.insert_events(EventList.validate_python([make_event(i) for i in range(3)]))
    applied = migrate(engine)
    assert [m.version for m in applied] == [HEAD]
    assert migrate(engine) == []  # idempotent
    assert store.count_events() == 3
    assert _shape(engine) == {t.name: {c.name for c in t.columns} for t in metadata.sorted_tables}
    store.close()
    engine.dispose()


def test_the_previous_version_upgrades_on_sqlite(tmp_path):
    _upgrade_from_previous_version(f"sqlite:///{tmp_path / 'prev.db'}")


def test_the_previous_version_upgrades_on_postgres(postgres_url):
    _upgrade_from_previous_version(postgres_url)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_processes_starting_together_migrate_once(backend, tmp_path: Path, request):
    url = request.getfixturevalue("postgres_url") if backend == "postgresql" else f"sqlite:///{tmp_path / 'race.db'}"
    engines = [make_engine(url) for _ in range(4)]
    results: list[object] = [None] * 4

    def start(i: int) -> None:
        try:
            results[i] = [m.version for m in migrate(engines[i])]
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[i] = exc

    threads = [threading.Thread(target=start, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results, key=len) == [[], [], [], list(range(1, HEAD + 1))]
    for engine in engines:
        engine.dispose()
