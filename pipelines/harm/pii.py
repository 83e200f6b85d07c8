"""Tier-1 PII detectors: precompiled regular expressions plus the checksums that make them precise.

>>> [(f.type, f.text) for f in find_pii("Card 4111 1111 1111 1111, mail jo@example.org")]
[('payment_card', '4111 1111 1111 1111'), ('email', 'jo@example.org')]

Every pattern starts at a token boundary (a look-behind) and uses only bounded or unambiguous
repetition, so a search is linear in the text length: a 32 KiB adversarial event cannot stall the
pipeline. Formats with a checksum (cards: Luhn, IBAN: ISO 7064 mod 97) are only reported when the
checksum holds, which is what keeps order numbers and amounts out. Phone numbers have no checksum,
so they need a recognisable layout, and the words just before them decide ambiguous cases.
The patterns and tables themselves are in :mod:`pipelines.harm.pii_patterns`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from pipelines.harm.pii_patterns import (
    ASSIGN_MARKERS,
    CARD_GROUPS,
    CARD_IIN,
    CUE_TOKEN,
    DATE,
    EMAIL,
    IBAN_LENGTHS,
    IPV6,
    LOWERCASE_TYPES,
    MAESTRO_IIN,
    MONEY,
    NANP_BARE,
    NUMBER,
    OTHER_CUES,
    PHONE_CUES,
    PHONE_FALLBACK,
    PRIORITY,
    SECRET_ASSIGN,
    SECRET_MARKERS,
    SECRET_TOKEN,
    SSN_WORDS,
    STREET_LOWERCASE_TYPE_FIRST,
    STREET_NAME_FIRST,
    STREET_SUFFIXES,
    STREET_TAIL,
    VERSION_WORD,
    WORDS,
)

_DIGIT = re.compile(r"\d")
# Number soup ("12 12 12 ..." for 32 KiB) would cost ~25 us per refused candidate; real text has
# a handful. Past this many refusals the rest of the text is not searched for numbers.
MAX_REFUSED_NUMBERS = 256

PII_TYPES: tuple[str, ...] = (
    "email", "phone", "payment_card", "iban", "us_ssn", "ip_address", "street_address", "secret",
)


@dataclass(frozen=True)
class PiiFinding:
    """One piece of PII: its type (one of :data:`PII_TYPES`) and where it is in the text."""

    type: str
    start: int
    end: int
    text: str


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check used by payment cards: ``luhn_valid("4111111111111111") is True``."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_valid(compact: str) -> bool:
    """ISO 13616: known country, the right length for it, and the mod-97 remainder is 1."""
    compact = compact.upper()
    if IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact.isalnum():
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def shannon_entropy(value: str) -> float:
    """Bits per character; random API keys score above 3.5, words and repeats well below."""
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _context(text: str, start: int) -> str | None:
    """'phone', 'other' or None: which kind of cue word most closely precedes a number."""
    for token in reversed(CUE_TOKEN.findall(text[max(0, start - 40):start].lower())):
        if token in PHONE_CUES:
            return "phone"
        if token in OTHER_CUES:
            return "other"
    return None


def _phone_ok(text: str, start: int, value: str, cued: bool = False) -> bool:
    digits = sum(map(str.isdigit, value))
    # E.164 allows 15 digits (plus a "(0)" and an extension); a national number with its
    # trunk 0 has at least 9, which also keeps dates such as 03.12.2024 out.
    if not 7 <= digits <= 20 or (value[0] == "0" and value[1] != "0" and digits < 9):
        return False
    context = _context(text, start)
    if context == "other" or cued and MONEY.search(text[max(0, start - 2):start + len(value) + 9]):
        return False
    if context == "phone":
        return not DATE.fullmatch(value)
    return digits >= 8 and (not cued or bool(NANP_BARE.fullmatch(value)))


def _iban_end(text: str, start: int, end: int) -> int | None:
    """End of a valid IBAN starting at ``start``, cutting the match at the country's length."""
    want = IBAN_LENGTHS.get(text[start:start + 2].upper())
    seen = 0
    for i in range(start, end):
        seen += text[i] != " "
        if seen == want:
            valid = not text[i + 1:i + 2].isalnum() and iban_valid(text[start:i + 1].replace(" ", ""))
            return i + 1 if valid else None
    return None


def _number_valid(kind: str, text: str, m: re.Match[str]) -> tuple[int, int] | None:
    """The (start, end) of a confirmed finding of ``kind`` for match ``m``, else None."""
    start, end, value = m.start(), m.end(), m.group()
    if kind == "payment_card":
        digits = value.replace(" ", "").replace("-", "")
        # Printed cards group digits in fours (Amex and Diners 4-6-5 / 4-6-4), with one kind of
        # separator: order numbers such as 403-1234567-1234567 do not look like that.
        if value != digits and not CARD_GROUPS.fullmatch(value):
            return None
        iin = CARD_IIN if len(digits) > 12 else MAESTRO_IIN
        return (start, end) if luhn_valid(digits) and iin.match(digits) else None
    if kind == "us_ssn":
        d = value.replace("-", "").replace(" ", "")
        if d[:3] in ("000", "666") or d[0] == "9" or d[3:5] == "00" or d[5:] == "0000":
            return None
        # Nine bare digits are an SSN only when the text says so; otherwise they are any id.
        return (start, end) if value[3] in "- " or SSN_WORDS.search(text, max(0, start - 40), start) else None
    if kind == "iban":
        iban_end = _iban_end(text, start - 2, end)
        return (start - 2, iban_end) if iban_end else None
    if kind == "ip_address":
        if any(int(o) > 255 for o in value.split(".")) or VERSION_WORD.search(text, max(0, start - 12), start):
            return None
        return start, end
    if kind == "phone":
        return (start, end) if _phone_ok(text, start, value, m.group("phone_cued") is not None) else None
    return _street_span(text, m)


def _street_span(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    """The address up to its last street suffix, plus unit, city and postcode when present."""
    if m.group("street_typed") is not None:  # "12 rue de la Paix": the type word is the evidence
        return m.start(), STREET_TAIL.match(text, m.end()).end()
    suffix_end = None
    for i, word in enumerate(WORDS.finditer(text, m.start("street_words"), m.end())):
        name = word.group().rstrip(".").lower()
        if i and (name in STREET_SUFFIXES or name[:-1] in STREET_SUFFIXES and name[-1] == "s"):
            suffix_end = word.end()
    if suffix_end is None:
        return None
    return m.start(), STREET_TAIL.match(text, suffix_end).end()


def _numbers(text: str):
    pos = refused = 0
    while (m := NUMBER.search(text, pos)) is not None:
        kind = m.lastgroup
        if kind in ("phone_intl", "phone_paren"):
            kind, span = "phone", (m.span() if _phone_ok(text, m.start(), m.group()) else None)
        else:
            span = _number_valid(kind, text, m)
            if span is None and kind in ("payment_card", "us_ssn", "ip_address"):
                if (m2 := PHONE_FALLBACK.match(text, m.start())) is not None:
                    kind, span = "phone", _number_valid("phone", text, m2)
        if span is None:
            pos = m.start() + 1
            refused += 1
            if refused > MAX_REFUSED_NUMBERS:
                return
        else:
            yield kind, span[0], span[1]
            pos = span[1]


def _ipv6(text: str):
    for m in IPV6.finditer(text):
        candidate = m.group()
        if len(candidate) >= 6 and any(c.isdigit() for c in candidate):
            import ipaddress  # only when a candidate appears: keeps module import fast

            try:
                ipaddress.IPv6Address(candidate)
            except ValueError:
                continue
            yield "ip_address", m.start(), m.end()


def _secrets(text: str):
    if any(map(text.__contains__, SECRET_MARKERS)):
        for m in SECRET_TOKEN.finditer(text):
            yield "secret", m.start(), m.end()
    if ("=" in text or ":" in text) and any(map((low := text.lower()).__contains__, ASSIGN_MARKERS)):
        for m in SECRET_ASSIGN.finditer(low):
            value = text[m.start(1):m.end(1)]
            if shannon_entropy(value) >= 3.0 and any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
                yield "secret", m.start(), m.end()


# Presidio's default regions for phone numbers. A number counts only when it is valid in one of
# their numbering plans (libphonenumber), so order numbers and amounts stay out.
PHONE_REGIONS = ("US", "GB", "DE", "IL", "IN", "CA", "BR")
# A candidate: 7 to 15 digits with at most two separators between any two. Only a short snippet
# around each of the first few candidates goes to libphonenumber (never the whole text), so a
# 32 KiB wall of digits costs about what a sentence does.
_PHONE_CANDIDATE = re.compile(r"(?<![\w+])\+?\(?\d(?:[\s().\-/]{0,2}\d){6,14}(?!\w)")
MAX_PHONE_CANDIDATES = 8


def _planned_phones(text: str, taken: Sequence[tuple[str, int, int]] = ()):
    """Phone numbers the patterns may miss (odd groupings, national forms), from libphonenumber.

    A number after a non-phone cue word ("order", "account") or next to a currency is refused,
    as the patterns refuse it; so is a digit run another finding (``taken``) already covers.
    """
    import phonenumbers  # on first use: keeps importing this module fast

    seen: set[tuple[int, int]] = set()
    for k, m in enumerate(_PHONE_CANDIDATE.finditer(text)):
        if k == MAX_PHONE_CANDIDATES:
            return
        if _context(text, m.start()) == "other" or any(s < m.end() and m.start() < e for _, s, e in taken):
            continue
        # libphonenumber's matcher (with its own checks against dates, ranges and odd groupings)
        # on a short snippet around the candidate, never on the whole text.
        lo = max(0, m.start() - 24)
        snippet = text[lo:m.end() + 24]
        for region in PHONE_REGIONS:
            for found in phonenumbers.PhoneNumberMatcher(snippet, region, leniency=phonenumbers.Leniency.VALID):
                start, end = lo + found.start, lo + found.end
                if (start, end) in seen or end <= m.start() or start >= m.end():
                    continue
                seen.add((start, end))
                if _context(text, start) != "other" and not MONEY.search(text[max(0, start - 2):end + 9]):
                    yield "phone", start, end


def find_pii(text: str) -> tuple[PiiFinding, ...]:
    """All PII in ``text``, in order of position, with no two findings overlapping."""
    candidates: list[tuple[str, int, int]] = []
    if "@" in text:
        candidates.extend(("email", m.start(), m.end()) for m in EMAIL.finditer(text))
    candidates.extend(_numbers(text))
    has_digit = _DIGIT.search(text) is not None
    if has_digit and not any(kind == "phone" for kind, _, _ in candidates):
        candidates.extend(_planned_phones(text, tuple(candidates)))
    if has_digit:  # every street form has a house number
        for m in STREET_NAME_FIRST.finditer(text):
            candidates.append(("street_address", m.start(), m.end()))
        if any(map(text.__contains__, LOWERCASE_TYPES)):
            for m in STREET_LOWERCASE_TYPE_FIRST.finditer(text):
                candidates.append(("street_address", m.start(), m.end()))
    if "::" in text or text.count(":") >= 5:
        candidates.extend(_ipv6(text))
    candidates.extend(_secrets(text))
    if not candidates:
        return ()
    candidates.sort(key=lambda c: (PRIORITY.index(c[0]), c[1]))
    kept: list[tuple[str, int, int]] = []
    for kind, start, end in candidates:
        if all(end <= s or start >= e for _, s, e in kept):
            kept.append((kind, start, end))
    kept.sort(key=lambda c: c[1])
    return tuple(PiiFinding(kind, start, end, text[start:end]) for kind, start, end in kept)


def pii_types(findings: tuple[PiiFinding, ...]) -> tuple[str, ...]:
    """The distinct types among ``findings``, in the canonical order of :data:`PII_TYPES`."""
    present = {f.type for f in findings}
    return tuple(t for t in PII_TYPES if t in present)


def mask_pii(text: str, findings: tuple[PiiFinding, ...] | None = None) -> str:
    """``text`` with each finding replaced by ``[type]``, for storing redacted events."""
    findings = find_pii(text) if findings is None else findings
    out, last = [], 0
    for f in sorted(findings, key=lambda f: f.start):
        out.append(text[last:f.start])
        out.append(f"[{f.type}]")
        last = f.end
    out.append(text[last:])
    return "".join(out)
