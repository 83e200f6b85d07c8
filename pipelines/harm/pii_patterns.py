"""The formats behind :mod:`pipelines.harm.pii`: compiled patterns and the tables they use.

Kept apart from the detection logic so each can be read on its own. Everything here is compiled
once at import. Every pattern opens at a token boundary (a look-behind) and uses only bounded or
separator-delimited repetition, so a search is linear in the text length.
"""

from __future__ import annotations

import re

EMAIL = re.compile(
    r"(?<![\w.%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]*@(?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,24}(?![\w\-])"
)

# Number-led formats, each written to follow the first digit (the shared ``\d`` lets the regex
# engine skip quickly to digits; one combined pass costs about what one pattern does). Each part
# begins with a look-behind that puts that first digit at the start of a token.
_PHONE_GROUP = r"(?:[ .\-]?\(\d{1,4}\)|(?:[ .\-]|(?<=\)))\d{1,10})"
_PHONE_END = r"(?:\s?(?:x|ext\.?|extension)\s?\d{1,5})?(?![\w\-]|[.,/:]\d)"
_STREET_WORD = r"(?:[A-Z][A-Za-z'\-]*\.?|\d{1,3}(?:st|nd|rd|th))"
_NAME = r"[A-ZÀ-ÝÄÖÜ][\w'\-]*+"
# Number, then street type, then name: 12 rue de la Paix, 5, avenue Victor Hugo, 3 Calle Mayor.
# Lower case only for the French types: "paid 3 via PayPal" is not an address.
_TYPE_FIRST = (
    r"(?:[Rr]ue|[Aa]venue|[Bb]oulevard|[Cc]hemin|[Aa]llée|[Ii]mpasse|[Qq]uai|Place|Cours|Calle|Avenida|"
    r"Paseo|Via|Viale|Piazza|Corso|Rua)"
    r"(?:\s(?:de|du|des|la|le|les|del|della|di|da|do|dos)){0,2}\s(?:[dl]')?" + _NAME
    + r"(?:\s" + _NAME + r"){0,3}"
)
_NUMBER_PARTS = {
    # 12-19 digits, optionally grouped by spaces or dashes; Luhn and issuer prefix checked below.
    "payment_card": r"(?<![\w.,+\-]\d)(?:[ \-]?\d){11,18}(?![\w\-]|[.,]\d)",
    "us_ssn": r"(?<![\w\-.,/+]\d)\d\d(?P<sep>[\- ]?)\d\d(?P=sep)\d{4}(?![\w\-]|[.,/]\d)",
    # The two country letters sit before the first digit: they are checked by a look-behind.
    "iban": r"(?<=(?<![A-Za-z0-9])[A-Za-z]{2}\d)\d(?: ?[A-Za-z0-9]){11,32}",
    "ip_address": r"(?<![\w.]\d)\d{0,2}(?:\.\d{1,3}){3}(?![\w]|\.\d)",
    "phone": r"(?<![\w+/.,\-]\d)(?:"
    r"(?<=0)0\d{1,3}" + _PHONE_GROUP + r"{2,6}"  # 00 44 20 7946 0958
    r"|(?<=1)[ .\-]?(?:\(\d{3}\) ?|\d{3}[ .\-])\d{3}[ .\-]\d{4}"  # 1-555-010-1234
    r"|\d\d[ .\-]\d{3}[ .\-]\d{4}"  # 555-010-1234, 555.010.1234
    r"|\d[ ]\d{4,5}-\d{4}"  # 11 3915-0008 (area code without trunk 0)
    # trunk 0 (at least 9 digits in all): 020 7946 0958, 01 23 45 67 89, 08-170 669 07, 0732/62998649
    r"|(?<=0)(?=(?:[ .\-/]?\d){8})(?:\d{1,4}(?:[ .\-/]\d{2,4}){1,4}|\d{1,4}[ \-/]\d{5,8})"
    # Looser layouts (661 573 681, 457-3681, 8 216 827 52 17) and bare digits need a cue word
    # such as "call" or "phone" just before, or (bare) a North American form.
    # The look-ahead (7+ digits) turns away prices and dates before any Python runs.
    r"|(?=(?:[ .\-]?\d){6})(?P<phone_cued>\d{0,4}(?:[ .\-]\d{1,8}){1,5}|\d{6,14}))" + _PHONE_END,
    # A house number and capitalised words; the last of them must be a street suffix (checked in
    # Python against STREET_SUFFIXES, which keeps this pattern small and fast to compile).
    # French, Spanish and Italian put the street type first: 12 rue de la Paix, 5, avenida Goya.
    "street_address": r"(?<![\w/.,:$€£\-]\d)\d{0,4}[A-Za-z]?(?:[/\-]\d{1,5}[A-Za-z]?)?,?\s"
    rf"(?:(?P<street_words>{_STREET_WORD}(?:\s{_STREET_WORD}){{1,4}})|(?P<street_typed>{_TYPE_FIRST}))",
}
# After the street: direction, unit, city, then a UK/Canadian postcode or a state with ZIP.
STREET_TAIL = re.compile(
    r"(?:\s(?:[NS][EW]|[NSEW])\b\.?)?"
    r"(?:,?\s(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm|Studio|APT|SUITE|UNIT|\#)\.?\s?"
    r"\#?[A-Za-z0-9\-]{1,6}\b)?"
    r"(?:,\s?[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,2})?"
    r"(?:,?\s(?:[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b|[A-Z]\d[A-Z]\s?\d[A-Z]\d\b"
    r"|[A-Z]{2,3}\b(?:,?\s(?:\d{4,5}(?:-\d{4})?\b|[A-Z]\d[A-Z]\s?\d[A-Z]\d\b))?|\d{5}(?:-\d{4})?\b))?"
)
# USPS street suffixes (Publication 28) and common UK/Australian ones, with abbreviations.
STREET_SUFFIXES = frozenset((
    "alley aly annex arcade avenue ave av bayou beach bend bluff bottom boulevard blvd branch "
    "bridge brg brook burg bypass byp camp canyon cape causeway cswy center centre ctr circle cir "
    "circus cliff club common corner course court ct cove cv creek crk crescent cres crest "
    "crossing xing crossroad curve dale dam divide drive dr estate expressway expy extension "
    "fall ferry field flat ford forest forge fork fort freeway fwy garden gardens gdns gateway "
    "glade glen green grove harbor harbour haven heights hts highway hwy hill hollow inlet island "
    "isle junction key knoll lake land landing lane ln light loaf lock lodge loop mall manor "
    "meadow mews mill mission motorway mount mountain neck orchard oval overpass parade park "
    "parkway pkwy pass passage path pike pine place pl plain plaza point port prairie promenade "
    "quay radial ramp ranch rapid rest ridge rise river road rd route row rue run shoal shore "
    "skyway spring spur square sq station stravenue stream street st summit terrace ter "
    "throughway trace track trafficway trail trl trailer tunnel turnpike underpass union valley "
    "via viaduct view village ville vista walk wall way well wharf esplanade broadway close "
    "firetrail ronde line quadrant strip siding grange outlook retreat vale nook chase concourse "
    "corso dell fairway mead pathway reserve strand walkway wynd ridgeway crossway"
).split())
# Street name first, house number after, as in most of Europe: Hauptstraße 5, Rico-Siering-Gasse
# 28, Kerkstraat 12a, Storgatan 3, Berliner Straße 9, Via Roma 12, Calle de Alcalá 45; then an
# optional postcode and city (10115 Berlin).
_COMPOUND_SUFFIXES = (
    "straße strasse str. weg gasse platz allee damm ufer chaussee straat laan plein gracht kade "
    "singel baan hof dreef steeg dijk markt gatan vägen gata gränd stigen torget backen gade vej "
    "stræde veien vegen bakken"
).split()
_SEPARATE_TYPES = "Straße Strasse Weg Platz Allee Allé Vej Gade Gata Ring Damm Gasse Laan Straat Plein Kade".split()
_TYPES_FIRST = (
    "via viale piazza piazzale corso vicolo largo strada borgo contrada calle avenida avda. paseo "
    "plaza ronda camino carretera travesía pasaje cuesta rua alameda travessa praça estrada rue "
    "avenue boulevard chemin allée impasse quai ul. al. plac os."
).split()
# With the number after the name, a lower-case type is Swiss French or Polish (rue Mercier 41,
# ul. Długa 7); elsewhere only a capital counts: "paid via Apple Pay 3" is not an address.
_LOWERCASE_NUMBER_AFTER = ("rue ", "avenue ", "boulevard ", "chemin ", "ul. ", "plac ")
_PARTICLE = r"(?:de|del|della|dei|di|da|do|dos|das|la|le|les|du|des|van|der|den)"
_HOUSE_NUMBER = (
    r",?\s\d{1,4}[a-zA-Z]?(?:[/\-]\d{1,4})?(?![\w/\-])"
    r"(?:,?\s(?:\d{2}-\d{3}|\d{4,5})\s[A-ZÄÖÜ][\wäöüß]+(?:\s[A-ZÄÖÜ][\wäöüß]+)?)?"
)


def _after_first_letter(words: list[str]) -> str:
    """``Via|Viale|Calle`` written to follow an already-consumed first letter, grouped by it."""
    by_letter: dict[str, list[str]] = {}
    for word in words:
        by_letter.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(f"(?<={letter})(?:{'|'.join(rests)})" for letter, rests in by_letter.items())


_TYPE_THEN_NAME = r"(?:\s" + _PARTICLE + r"|\s(?:[dl]')?" + _NAME + r"){1,5}"
STREET_NAME_FIRST = re.compile(
    # A capitalised word opening a token, then one of: a compound ending in a street suffix
    # (checked by look-behinds once the word is consumed possessively, and only if a number
    # follows: no re-scanning, little work per capitalised word); a name followed by the street
    # type as its own word; or the street type followed by a name.
    r"[A-ZÀ-ÞÄÖÜ](?<![\w.].)(?:[\w\-.]{1,40}+(?=,?\s\d)(?i:"
    + "|".join(f"(?<={re.escape(x)})" for x in _COMPOUND_SUFFIXES)
    + r")|[\w\-]{0,30}+(?:\s" + _NAME + r"){0,2}\s(?:" + "|".join(_SEPARATE_TYPES) + r")"
    + r"|(?:" + _after_first_letter([t.capitalize() for t in _TYPES_FIRST]) + r")" + _TYPE_THEN_NAME + ")"
    + _HOUSE_NUMBER
)
# Lower-case type, name, then number (number-led forms such as 12 rue de la Paix are in NUMBER).
# Only searched when one of these words occurs at all (see pii.find_pii).
LOWERCASE_TYPES = _LOWERCASE_NUMBER_AFTER
STREET_LOWERCASE_TYPE_FIRST = re.compile(
    r"(?<![\w.])(?:" + "|".join(re.escape(t.strip()) for t in LOWERCASE_TYPES) + ")" + _TYPE_THEN_NAME + _HOUSE_NUMBER
)

# One pass finds every number-led candidate. It opens with a character class (digit, "+" or "(")
# so the regex engine skips quickly through ordinary words. All but the IBAN need the first
# digit to open a token; that look-behind, checked once, cheaply rejects digits inside a number.
# Phones may also open with "+" (+44 20 7946 0958, +1 (555) 010-1234) or "(" ((555) 010-1234).
NUMBER = re.compile(
    r"[\d+(](?:(?<=\d)(?:(?<!\w\d)(?:"
    + "|".join(f"(?P<{k}>{v})" for k, v in _NUMBER_PARTS.items() if k != "iban")
    + rf")|(?P<iban>{_NUMBER_PARTS['iban']}))"
    + r"|(?<![\w+]\+)(?<=\+)(?P<phone_intl>\d{1,14}" + _PHONE_GROUP + r"{0,6}" + _PHONE_END + ")"
    + r"|(?<![\w(]\()(?<=\()(?P<phone_paren>\+?\d{1,5}\)[ .\-]?\d{2,8}(?:[ .\-]\d{2,8}){0,3}" + _PHONE_END + "))"
)
# When the first format that fits a number is refused on checking, a phone gets a second chance
# through this: 0044 20 7946 0958 first fits the card layout, fails Luhn, and is a phone.
PHONE_FALLBACK = re.compile(rf"\d(?:{_NUMBER_PARTS['phone']})")
# The last such word before a number decides: "call 0123..." is a phone, "order 0123..." is not.
PHONE_CUES = frozenset(
    "phone phones call calling called tel telephone mobile cell cellphone fax whatsapp sms text texts "
    "dial ring reach contact landline hotline".split()
)
OTHER_CUES = frozenset(
    "order orders ref reference tracking invoice account acct transaction txn confirmation booking "
    "ticket case id serial sku policy routing sort member membership pin otp code parcel shipment "
    "receipt loan claim ssn social security tax tin passport licence license vat iban swift bic #".split()
)
CUE_TOKEN = re.compile(r"[a-z]+|#")
WORDS = re.compile(r"\S+")
# Ten bare digits pass as a North American number when area code and exchange are well formed.
NANP_BARE = re.compile(r"1?[2-9]\d\d[2-9]\d{6}")
DATE = re.compile(r"\d{1,4}[./\-]\d{1,2}[./\-]\d{1,4}")
# "1 000 000 EUR", "$ 2 500 000": digits grouped like a phone, but an amount.
MONEY = re.compile(r"(?i)[$€£¥]|\b(?:eur|usd|gbp|chf|jpy|dollars?|euros?|pounds?|bucks)\b")
SSN_WORDS = re.compile(r"(?i)\b(?:ssn|social security|ss#|taxpayer|tin)\b")
# "version 1.2.3.4" is a dotted quad but not an address.
VERSION_WORD = re.compile(r"(?i)\b(?:v|ver|version|build|release|firmware)\.?\s?$")

# Issuer prefixes: Visa 4, Mastercard 51-55/2221-2720, Amex 34/37, Diners 30/36/38/39, JCB 35 (and
# the old 1800/2131), Discover/UnionPay/RuPay/Maestro 6 and 50/56-58, Mir 2200-2204, RuPay 81/82.
CARD_IIN = re.compile(r"4|5[0-8]|2[2-7]|3|6|1800|2131|8[12]|0604")
CARD_GROUPS = re.compile(r"\d{4}(?P<s>[ \-])(?:\d{4}(?P=s)\d{4}(?P=s)\d{1,4}(?:(?P=s)\d{1,3})?|\d{6}(?P=s)\d{4,5})")
# 12-digit cards exist only for Maestro.
MAESTRO_IIN = re.compile(r"50|5[6-8]|6|0604")
# ISO 13616 registry: country -> total IBAN length.
IBAN_LENGTHS = dict(
    (item[:2], int(item[2:]))
    for item in (
        "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 "
        "DK18 DO28 EE20 EG29 ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 "
        "IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 "
        "MN20 MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 PT25 QA29 RO24 RS22 RU33 SA24 SC31 "
        "SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30"
    ).split()
)
# IPv6 candidates (at least two colons) are confirmed by the standard library's parser.
IPV6 = re.compile(r"(?<![\w:])(?=[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:)[0-9A-Fa-f:]{3,39}(?![\w:])")

SECRET_TOKEN = re.compile(
    r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b"
    r"|\bgh[pousr]_[A-Za-z0-9]{36,255}\b|\bgithub_pat_[A-Za-z0-9_]{22,255}\b"
    r"|\bxox[abposr]-[A-Za-z0-9\-]{10,200}"
    r"|\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,200}\b"
    r"|\bAIza[0-9A-Za-z_\-]{35}(?![\w\-])"
    r"|(?<![\w\-])sk-(?:proj-|ant-)?[A-Za-z0-9_\-]{32,200}"
    r"|\beyJ[A-Za-z0-9_\-]{8,2000}\.eyJ[A-Za-z0-9_\-]{8,4000}\.[A-Za-z0-9_\-]{8,2000}"
    r"|-----BEGIN (?:[A-Z]{2,10} )?PRIVATE KEY(?: BLOCK)?-----"
)
# Literal markers of the token formats above: the token regex only runs when one is present.
SECRET_MARKERS = (
    "AKIA", "ASIA", "ABIA", "ACCA", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "xox",
    "k_live_", "k_test_", "AIza", "sk-", "eyJ", "PRIVATE KEY",
)
# key = value assignments; the value must look random (see shannon_entropy).
SECRET_ASSIGN = re.compile(
    r"\b(?:api[_\-]?key|apikey|secret(?:[_\-]?key)?|access[_\-]?(?:token|key)|auth[_\-]?token|"
    r"bearer|token|passw(?:or)?d|pwd|client[_\-]?secret|private[_\-]?key)\b[\"']?\s{0,3}[:=]\s{0,3}"
    r"[\"']?([a-z0-9_\-+/=.~]{16,200})"
)
ASSIGN_MARKERS = ("key", "secret", "token", "bearer", "passw", "pwd")

# When two detectors claim the same characters, the more specific (checksummed) one wins.
PRIORITY = ("secret", "email", "iban", "payment_card", "us_ssn", "ip_address", "phone", "street_address")
