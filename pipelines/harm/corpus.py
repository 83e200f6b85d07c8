"""The tier-2 training corpus: hand-written lines plus templates expanded over slot lists.

The data lives in ``pipelines/harm/corpus/`` (see its README); this module only turns the file
*contents* into labelled :class:`Example` rows, so it does no I/O. The caller reads the files:

>>> rows = parse_hand("demo.txt", "@category self_harm\\n@role prompt\\nI want to end it all.\\n")
>>> rows[0].category, rows[0].role, rows[0].text
('self_harm', 'prompt', 'I want to end it all.')

Templates: a recipe (``recipes.yaml``) picks a template and fills each ``{slot}`` from a named
list; ``{Slot}`` is the same value capitalised and ``{slot_lc}`` with a lowercase first letter.
A slot keeps one value throughout an example, except the filler lists (steps, essay sentences),
which draw afresh at every use. Values may contain slots themselves (a jailbreak's question is
a request frame around a harmful act). Generated special slots: ``{_jailbreak}`` (a long persona
jailbreak), ``{_benign_long}`` (a long benign "act as" prompt) and ``{_gibberish}`` (an
adversarial-suffix-like token soup). Everything is seeded: the same files give the same corpus.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pipelines.harm import CATEGORIES

LABELS: tuple[str, ...] = ("benign", *CATEGORIES)
ROLES = ("prompt", "response")
FILLERS = frozenset({"steps", "essay", "reply_core"})
_SLOT = re.compile(r"\{(\w+)\}")
_MAX_DEPTH = 4


@dataclass(frozen=True)
class Example:
    """One labelled text. ``group`` ties near-duplicates together for grouped cross-validation."""

    text: str
    category: str
    role: str
    source: str
    group: str


class CorpusError(ValueError):
    """A corpus file or recipe is malformed; the message names the file, line or recipe."""


# --------------------------------------------------------------------------- hand-written lines


def parse_hand(name: str, content: str) -> list[Example]:
    """Examples from a hand-written file: ``@category X`` / ``@role Y`` directives, one text a line."""
    category: str | None = None
    role: str | None = None
    out: list[Example] = []
    for number, raw in enumerate(content.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@"):
            key, _, value = line[1:].partition(" ")
            value = value.strip()
            if key == "category":
                if value not in LABELS:
                    raise CorpusError(f"{name}:{number}: unknown category {value!r}; valid: {', '.join(LABELS)}")
                category = value
            elif key == "role":
                if value not in ROLES:
                    raise CorpusError(f"{name}:{number}: unknown role {value!r}; valid: {', '.join(ROLES)}")
                role = value
            else:
                raise CorpusError(f"{name}:{number}: unknown directive @{key} (valid: @category, @role)")
            continue
        if category is None or role is None:
            raise CorpusError(f"{name}:{number}: text before @category and @role were set")
        out.append(Example(line.replace("\\n", "\n"), category, role, f"hand:{name}", f"hand:{name}:{number}"))
    return out


# --------------------------------------------------------------------------- slot namespace


def flatten_lists(tree: Mapping[str, Any], prefix: str = "") -> dict[str, list]:
    """``{"acts": {"sexual": [...]}}`` -> ``{"acts.sexual": [...]}``; lists are kept as they are."""
    out: dict[str, list] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, list):
            out[name] = value
        elif isinstance(value, Mapping):
            out.update(flatten_lists(value, prefix=f"{name}."))
    return out


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lc(text: str) -> str:
    return text[:1].lower() + text[1:]


# --------------------------------------------------------------------------- generated slots

_CODE_BITS = (
    "({", "})", "[[", "]]", "=>", "->", "\\", "`", "``", '"', "'", "$", "${", "%", "};", ");", "/*", "*/",
    "<!--", "-->", "**", "!!", "??", "::", "|", "\\n", "#", "@", "~", "^", "&&", "_", "+=", ":-)", ">>",
)
_PIECES = (
    "sure", "here", "ist", "rew", "similarly", "oppos", "ite", "describ", "ing", "tutorial", "manual", "equals",
    "revert", "format", "heading", "inline", "mock", "snippet", "respectively", "wikipedia", "README", "lambda",
    "json", "yaml", "printf", "TeX", "math", "cdot", "ensure", "begin", "end", "Step", "Num", "Answer", "Question",
    "seq", "plot", "Builder", "struct", "namespace", "klass", "ordered", "noindent", "poem", "comedy", "reverse",
    "backwards", "explicit", "clone", "Twain", "Kant", "Napoleon", "Newton", "Tesla", "Zeus", "Gandalf",
    "fromage", "obras", "ainsi", "mientras", "dann", "aber", "oder", "perch", "tamb", "kiwi", "mango", "gray",
)
_FOREIGN = (
    "donc", "avec", "pero", "cuando", "aussi", "nicht", "sehr", "wie", "ou", "mais", "também", "allora",
    "questo", "sempre", "bitte", "hier", "ahora", "então", "schön", "voilà", "claro", "vielleicht",
)


def gibberish(rng: random.Random) -> str:
    """A run of 12-30 tokens mixing code punctuation, word pieces and foreign words."""
    tokens = []
    for _ in range(rng.randint(12, 30)):
        kind = rng.random()
        if kind < 0.35:
            tokens.append(rng.choice(_CODE_BITS))
        elif kind < 0.75:
            word = rng.choice(_PIECES) + (rng.choice(_PIECES) if rng.random() < 0.4 else "")
            tokens.append(word.capitalize() if rng.random() < 0.3 else word)
        elif kind < 0.9:
            tokens.append(rng.choice(_FOREIGN))
        else:
            tokens.append(rng.choice(_PIECES) + rng.choice(_CODE_BITS))
    glue = (" ", " ", "", " ")
    return "".join(t + rng.choice(glue) for t in tokens).strip()


def _jailbreak(rng: random.Random, lists: Mapping[str, list]) -> str:
    parts = [rng.choice(lists["intro"])]
    parts += rng.sample(lists["traits"], rng.randint(3, 7))
    parts += rng.sample(lists["format_rules"], rng.randint(0, 3))
    if rng.random() < 0.5:
        parts.append(rng.choice(lists["threats"]))
    parts.append(rng.choice(lists["closing"]))
    sep = rng.choice((" ", "\n", "\n\n"))
    return sep.join(parts)


def _benign_long(rng: random.Random, lists: Mapping[str, list]) -> str:
    opener = rng.choice((
        "I want you to act as {benign_role}.", "You are {benign_role}.", "Please play the role of {benign_role}.",
        "Act as {benign_role}.", "For this conversation, pretend to be {benign_role}.",
        "Let's do a role-play: you are {benign_role}.",
    ))
    parts = [opener, *rng.sample(lists["benign_rules"], rng.randint(2, 5)), rng.choice(lists["benign_closing"])]
    return rng.choice((" ", "\n", "\n\n")).join(parts)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(n))


def _card(rng: random.Random) -> str:
    """A Luhn-valid 16-digit Visa or Mastercard-looking number, grouped in fours."""
    body = rng.choice(("4", "51", "52", "55")) + _digits(rng, 13)
    body = body[:15]
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    number = body + str((10 - total % 10) % 10)
    return " ".join(number[i:i + 4] for i in range(0, 16, 4))


def _iban(rng: random.Random) -> str:
    """A checksum-valid German-style IBAN, printed in groups of four."""
    bban = _digits(rng, 18)
    check = 98 - int(bban + "131400") % 97  # D=13, E=14, then "00"
    iban = f"DE{check:02d}{bban}"
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))


_STREETS = ("Oak", "Maple", "Station", "Church", "Harbour", "Elm", "Mill", "Park", "Victoria", "Cedar", "High", "Lake")
_SUFFIXES = ("Street", "Road", "Avenue", "Lane", "Drive", "Close", "Way")
_CITIES = ("Leeds", "Springfield", "Bristol", "Austin", "Dublin", "Denver", "Glasgow", "Portland", "Toronto")


def _address(rng: random.Random) -> str:
    unit = f", Apt {rng.randint(1, 40)}" if rng.random() < 0.3 else ""
    return f"{rng.randint(1, 999)} {rng.choice(_STREETS)} {rng.choice(_SUFFIXES)}{unit}, {rng.choice(_CITIES)}"


def _phone(rng: random.Random) -> str:
    return rng.choice((
        f"+44 7700 {_digits(rng, 6)}", f"555-{_digits(rng, 3)}-{_digits(rng, 4)}",
        f"({_digits(rng, 3)}) 555-{_digits(rng, 4)}", f"07{_digits(rng, 3)} {_digits(rng, 6)}",
    ))


def _email(rng: random.Random) -> str:
    name = rng.choice(("j.smith", "maria.l", "kwame88", "priya_s", "tom.reed", "o.petrova", "chen.w", "lucy_h"))
    return f"{name}{rng.randint(1, 99)}@{rng.choice(('example.com', 'mail.example.org', 'example.net'))}"


_TEMPLATED_SPECIALS = frozenset({"_jailbreak", "_benign_long"})
_SPECIALS = {
    "_jailbreak": _jailbreak,
    "_benign_long": _benign_long,
    "_gibberish": lambda rng, lists: gibberish(rng),
    "_card": lambda rng, lists: _card(rng),
    "_iban": lambda rng, lists: _iban(rng),
    "_address": lambda rng, lists: _address(rng),
    "_phone": lambda rng, lists: _phone(rng),
    "_email": lambda rng, lists: _email(rng),
    "_ssn": lambda rng, lists: f"{rng.randint(100, 665)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}",
    "_dob": lambda rng, lists: f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1950, 2004)}",
}


# --------------------------------------------------------------------------- template expansion


def _noisy(text: str, rng: random.Random) -> str:
    """Typed carelessly: lowercase, no final punctuation, or one swapped pair of letters."""
    choice = rng.random()
    if choice < 0.4:
        return text.lower()
    if choice < 0.7:
        return text.rstrip(".?!")
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    if not candidates:
        return text.lower()
    i = rng.choice(candidates)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    return " ".join(words)


class _Filler:
    """Fills one example's slots: one value per slot, except fillers; recursion bounded."""

    def __init__(self, rng: random.Random, lists: Mapping[str, list], bind: Mapping[str, Sequence[str]],
                 fixed: dict[str, str]):
        self.rng, self.lists, self.bind, self.values = rng, lists, bind, dict(fixed)

    def options(self, slot: str) -> list:
        names = self.bind.get(slot, [slot])
        pool: list = []
        for name in names:
            if name not in self.lists:
                raise CorpusError(f"no list named {name!r} for slot {{{slot}}}")
            pool.extend(self.lists[name])
        return pool

    def value(self, slot: str, depth: int) -> str:
        if slot in _SPECIALS:
            made = _SPECIALS[slot](self.rng, self.lists)
            # Only the assembled prompts hold slots; token soup may contain braces of its own.
            return self.fill(made, depth + 1) if slot in _TEMPLATED_SPECIALS else made
        if slot in FILLERS:
            return self.fill(str(self.rng.choice(self.options(slot))), depth + 1)
        if slot not in self.values:
            self.values[slot] = self.fill(str(self.rng.choice(self.options(slot))), depth + 1)
        return self.values[slot]

    def fill(self, template: str, depth: int = 0) -> str:
        if depth > _MAX_DEPTH:
            raise CorpusError(f"slots nested deeper than {_MAX_DEPTH} in {template[:60]!r}")

        def sub(m: re.Match[str]) -> str:
            name = m.group(1)
            if name.endswith("_lc"):
                return _lc(self.value(name[:-3], depth))
            if name[0].isupper() and name.lower() != name and not name.startswith("_"):
                return _cap(self.value(name[0].lower() + name[1:], depth))
            return self.value(name, depth)

        return _SLOT.sub(sub, template)


def _names(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def expand_recipe(recipe: Mapping[str, Any], lists: Mapping[str, list], seed: int = 0) -> list[Example]:
    """``recipe["n"]`` distinct examples (fewer if the slots cannot make that many)."""
    rid = recipe["id"]
    category, role = recipe["category"], recipe["role"]
    if category not in LABELS:
        raise CorpusError(f"recipe {rid}: unknown category {category!r}; valid: {', '.join(LABELS)}")
    if role not in ROLES:
        raise CorpusError(f"recipe {rid}: unknown role {role!r}; valid: {', '.join(ROLES)}")
    templates: list[str] = []
    for t in _names(recipe["template"]):
        templates.extend(lists[t] if t in lists else [t])
    bind = {slot: _names(v) for slot, v in (recipe.get("bind") or {}).items()}
    pairs = recipe.get("pair") or {}
    noise = float(recipe.get("noise", 0.0))
    group_slot = recipe.get("group")
    rng = random.Random(f"{seed}:{rid}")
    seen: set[str] = set()
    out: list[Example] = []
    n = int(recipe["n"])
    for _ in range(n * 8):
        if len(out) >= n:
            break
        fixed: dict[str, str] = {}
        for list_name, slots in pairs.items():
            fixed.update(zip(slots, rng.choice(lists[list_name]), strict=True))
        filler = _Filler(rng, lists, bind, fixed)
        template = rng.choice(templates)
        text = filler.fill(template)
        if role == "prompt" and noise and rng.random() < noise:
            text = _noisy(text, rng)
        if text in seen:
            continue
        seen.add(text)
        key = filler.values.get(group_slot, template) if group_slot else template
        out.append(Example(text, category, role, f"template:{rid}", f"{rid}:{key}"))
    return out


def build_corpus(hand_files: Mapping[str, str], yaml_docs: Mapping[str, Mapping[str, Any]],
                 seed: int = 0) -> list[Example]:
    """The whole corpus from file contents: hand-written lines first, then every recipe.

    ``hand_files`` maps a file name to its text; ``yaml_docs`` maps a YAML file name to its
    parsed content, one of which holds ``recipes``. Exact duplicate texts keep their first label.
    """
    rows: list[Example] = []
    for name in sorted(hand_files):
        rows.extend(parse_hand(name, hand_files[name]))
    lists: dict[str, list] = {}
    recipes: list = []
    for name in sorted(yaml_docs):
        doc = dict(yaml_docs[name] or {})
        recipes.extend(doc.pop("recipes", []))
        lists.update(flatten_lists(doc))
    for recipe in recipes:
        try:
            rows.extend(expand_recipe(recipe, lists, seed=seed))
        except KeyError as exc:
            raise CorpusError(f"recipe {recipe.get('id', '?')}: missing key or list {exc}") from None
        except CorpusError as exc:
            raise CorpusError(f"recipe {recipe.get('id', '?')}: {exc}") from None
    unique: dict[str, Example] = {}
    for row in rows:
        unique.setdefault(row.text, row)
    return list(unique.values())


def corpus_digest(rows: Sequence[Example]) -> str:
    """A short fingerprint of the exact training rows, recorded in the model metadata."""
    h = hashlib.sha256()
    for r in rows:
        h.update(f"{r.category}\t{r.role}\t{r.text}\n".encode())
    return h.hexdigest()[:16]
