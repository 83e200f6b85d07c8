"""Loading human-edited YAML into frozen pydantic models, with errors a person can act on.

Every config file is read with ``yaml.safe_load`` and validated by a model that forbids unknown
keys. A failure becomes one :class:`ConfigError` whose lines look like::

    escalation.yaml: policies.page.levels[1].target: unknown target "oncall-b"

so the file, the key path and the bad value are all in the message.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

M = TypeVar("M", bound=BaseModel)

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class Strict(BaseModel):
    """Base for config models: frozen, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ConfigError(ValueError):
    """A config file could not be loaded; ``problems`` lists one message per bad key."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def one_of(kind: str, valid: tuple[str, ...]) -> AfterValidator:
    """A validator accepting only ``valid`` values, naming them all when it refuses one."""

    def check(value: str) -> str:
        if value not in valid:
            raise ValueError(f"unknown {kind} {value!r}; valid: {', '.join(valid)}")
        return value

    return AfterValidator(check)


def parse_duration(value: str | int | float) -> float:
    """Seconds in a duration written with its unit, Prometheus style.

    >>> parse_duration("5m"), parse_duration("1.5h"), parse_duration("250ms")
    (300.0, 5400.0, 0.25)
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a duration such as '5m', got {value!r}")
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError(f"duration must not be negative, got {value!r}")
        return float(value)
    match = _DURATION.match(str(value).strip())
    if not match:
        raise ValueError(
            f"expected a duration such as '30s', '5m', '2h' or '1d' (units ms, s, m, h, d, w), got {value!r}"
        )
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def key_path(loc: tuple[Any, ...]) -> str:
    """``('policies', 'page', 'levels', 1, 'target')`` -> ``policies.page.levels[1].target``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def format_validation_error(source: str, error: ValidationError) -> list[str]:
    """One ``source: key.path: message`` line per pydantic error, naming the bad value."""
    lines = []
    for err in error.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key (not allowed here)"
        elif err["type"] == "missing":
            msg = "required key is missing"
        elif "input" in err and not isinstance(err["input"], (dict, list)) and repr(err["input"]) not in msg:
            msg = f"{msg} (got {err['input']!r})"
        lines.append(f"{source}: {key_path(loc)}: {msg}")
    return lines


def load_yaml(path: Path) -> Any:
    """Parse a YAML file, turning syntax errors into a ConfigError naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([f"{path.name}: cannot read file: {exc.strerror}"]) from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError([f"{path.name}: invalid YAML{where}: {problem}"]) from exc


def validate(model: type[M], data: Any, source: str) -> M:
    """Validate already-parsed data against ``model``; errors name ``source``.

    After field validation, a model may define ``cross_check() -> list[tuple[str, str]]``
    returning ``(key.path, message)`` pairs for references between keys (a phase naming a model
    that is not defined, ...): all such checks live in that one method per file.
    """
    if data is None:
        raise ConfigError([f"{source}: file is empty"])
    try:
        obj = model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(source, exc)) from exc
    cross_check = getattr(obj, "cross_check", None)
    problems = cross_check() if cross_check else []
    if problems:
        raise ConfigError([f"{source}: {path}: {message}" for path, message in problems])
    return obj


def load_model(model: type[M], path: Path) -> M:
    """Load ``path`` into ``model``; every problem is reported as ``file: key.path: message``."""
    return validate(model, load_yaml(path), path.name)


def repo_configs_dir() -> Path:
    """The bundled ``configs/`` folder at the repository root (the default config dir)."""
    return Path(__file__).resolve().parents[2] / "configs"
