"""The only place with SQL. ``Store`` wraps an engine; ``open_store(url)`` builds one."""

from services.store.events import EventFilter, Store, open_store

__all__ = ["EventFilter", "Store", "open_store"]
