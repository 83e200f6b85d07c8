"""Schema migrations on SQLite and PostgreSQL: a ``schema_version`` row and an ordered list of steps.

A step is a plain function of a connection. ``migrate(engine)`` runs the steps the database has not
had yet, all in one transaction under a lock, so several processes starting at once (API replicas,
workers) migrate once and the others wait, then find nothing to do:

    from services.store.migrations import migrate
    migrate(engine)            # what `lookout migrate` and every start-up do

A database made before migrations existed (tables, no ``schema_version``) is at version 0; the
baseline step creates only the tables it lacks. Adding a table or column to ``schema.py`` means
adding a step here (``create_tables`` or ``add_columns``); ``tests/test_migrations.py`` fails
while the migrated schema and ``schema.py`` differ.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Column, Connection, Engine, Integer, MetaData, Table, inspect, select, text

from services.store.schema import metadata

schema_version = Table("schema_version", MetaData(), Column("version", Integer, nullable=False))

# Key of the PostgreSQL advisory lock held while migrating (any constant unique to Lookout).
MIGRATION_LOCK = 0x4C4F4F4B  # "LOOK"


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Connection], None]


def create_tables(*names: str) -> Callable[[Connection], None]:
    def apply(conn: Connection) -> None:
        metadata.create_all(conn, tables=[metadata.tables[name] for name in names], checkfirst=True)

    return apply


def add_columns(table: str, *names: str) -> Callable[[Connection], None]:
    """A step adding columns of ``schema.py``'s ``table`` that the database lacks.

    Idempotent, because the baseline step creates tables from the current ``schema.py``: a fresh
    database already has the columns, an older one gets them here. A new column must be nullable
    or have a ``server_default``, so rows already stored stay valid.
    """

    def apply(conn: Connection) -> None:
        have = {c["name"] for c in inspect(conn).get_columns(table)}
        for name in names:
            if name in have:
                continue
            column = metadata.tables[table].c[name]
            ddl = f"ALTER TABLE {table} ADD COLUMN {name} {column.type.compile(dialect=conn.dialect)}"
            if column.server_default is not None:
                ddl += f" DEFAULT {column.server_default.arg}"
            conn.exec_driver_sql(ddl)

    return apply


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "baseline: events, truth, windows, pipeline state, references, review queue, incident commands, silences",
        create_tables(
            "events", "truth", "window_stats", "pipeline_state", "drift_references",
            "review_queue", "incident_commands", "silences",
        ),  # fmt: skip
    ),
    Migration(2, "stream leases: several workers, one writer of a stream's state at a time", create_tables("stream_leases")),
)
HEAD = MIGRATIONS[-1].version


def current_version(conn: Connection) -> int:
    """The database's schema version (0: no Lookout tables or made before migrations existed)."""
    if not inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(select(schema_version.c.version)).scalar() or 0


def migrate(engine: Engine, *, target: int = HEAD) -> list[Migration]:
    """Bring the database to ``target``; returns the steps applied (none when it was there already)."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            # DDL is transactional on PostgreSQL: the lock and every step share one transaction.
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        else:
            # SQLite: take the write lock before reading the version, so a second process waits
            # here (busy_timeout) instead of applying the same steps.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        version = current_version(conn)
        if version > HEAD:
            conn.rollback()
            raise RuntimeError(f"database schema is at version {version}, newer than this Lookout ({HEAD}); upgrade Lookout")
        steps = [m for m in MIGRATIONS if version < m.version <= target]
        for step in steps:
            step.apply(conn)
        if steps:
            schema_version.create(conn, checkfirst=True)
            if conn.execute(select(schema_version.c.version)).first() is None:
                conn.execute(schema_version.insert().values(version=steps[-1].version))
            else:
                conn.execute(schema_version.update().values(version=steps[-1].version))
        conn.commit()
    return steps
