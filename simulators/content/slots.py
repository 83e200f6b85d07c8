"""Slot values that templates fill in, plus fake-but-format-valid PII.

Templates are plain ``str.format`` strings such as ``"Order {order_id} shipped on {date}."``.
They are filled with ``template.format_map(Slots(rng))``: a ``Slots`` mapping draws a value the
first time a name is asked for and remembers it, so a prompt and its response that both say
``{order_id}`` talk about the same order, and only the slots a template uses cost any time.

PII is deliberately fake: emails use reserved example domains (RFC 2606), US phone numbers use
the fictional 555-01xx block, UK mobiles the Ofcom drama range 07700 900xxx, and card numbers are
random but pass the Luhn check, so a PII detector sees exactly what a real leak would look like.

>>> import random
>>> s = Slots(random.Random(1))
>>> "{order_id} / {order_id}".format_map(s).split(" / ")[0] == s["order_id"]
True
"""

from __future__ import annotations

import random

FIRST_NAMES = (
    "Alex", "Priya", "Jordan", "Maria", "Tom", "Aisha", "Liam", "Sofia", "Chen", "Fatima",
    "Noah", "Emma", "Mateo", "Olivia", "Kwame", "Hannah", "Yuki", "Diego", "Chloe", "Omar",
    "Grace", "Lucas", "Zara", "Ethan", "Mei", "Jack", "Leila", "Ben", "Ines", "Sam",
    "Nina", "Ravi", "Ella", "Tariq", "Julia", "Owen", "Amara", "Felix", "Rosa", "Daniel",
    "Sara", "Marcus", "Anika", "Hugo", "Lena", "Kofi", "Ruth", "Ivan", "Maya", "Connor",
)
LAST_NAMES = (
    "Smith", "Patel", "Garcia", "Nguyen", "Okafor", "Kowalski", "Haddad", "Johnson", "Rossi",
    "Murphy", "Kim", "Silva", "Müller", "Brown", "Ahmed", "Tanaka", "Lopez", "Novak", "Evans",
    "Mensah", "Walsh", "Fischer", "Costa", "Singh", "Reyes", "Ward", "Larsen", "Dubois",
)
CITIES = (
    "Austin", "Denver", "Seattle", "Portland", "Chicago", "Boston", "Atlanta", "Phoenix",
    "San Diego", "Columbus", "Nashville", "Raleigh", "Minneapolis", "Tampa", "Sacramento",
    "London", "Manchester", "Leeds", "Bristol", "Glasgow", "Cardiff", "Birmingham", "Dublin",
    "Toronto", "Vancouver", "Pittsburgh", "Salt Lake City", "Kansas City", "Madison", "Omaha",
)
# (city, state, zip prefix) for street addresses, so the city, state and ZIP agree.
US_PLACES = (
    ("Springfield", "IL", "627"), ("Austin", "TX", "787"), ("Denver", "CO", "802"),
    ("Columbus", "OH", "432"), ("Raleigh", "NC", "276"), ("Boise", "ID", "837"),
    ("Tucson", "AZ", "857"), ("Madison", "WI", "537"), ("Portland", "OR", "972"),
    ("Albany", "NY", "122"), ("Richmond", "VA", "232"), ("Omaha", "NE", "681"),
)
STREETS = (
    "Oak", "Maple", "Cedar", "Pine", "Elm", "Willow", "Lakeview", "Hillcrest", "Sunset",
    "Park", "River", "Meadow", "Highland", "Chestnut", "Franklin", "Washington", "Birch",
)
STREET_KINDS = ("Street", "Avenue", "Road", "Lane", "Drive", "Court", "Boulevard", "Way")
PRODUCTS = (
    "Aero Buds 2", "Aero Buds Pro", "Pulse 500 soundbar", "Lumen 55 TV", "Lumen 65 OLED TV",
    "Arc 14 laptop", "Arc 16 Pro laptop", "Halo Mini speaker", "Halo Max speaker",
    "Orbit mesh router", "Orbit AX router", "Vega 8 phone", "Vega 8 Lite", "Nimbus Tab 11",
    "Spark Watch 3", "Beam 4K projector", "Volt power bank", "Glide wireless charger",
    "Frame HD webcam", "Drift e-reader",
)
# (plan, monthly price) so a template that names both stays consistent.
PLANS = (
    ("Stream Basic", "$7.99"), ("Stream Plus", "$12.99"), ("Stream Premium", "$18.99"),
    ("Cloud 200 GB", "$2.99"), ("Cloud 2 TB", "$9.99"), ("Brightwave One", "$24.99"),
)
SHOWS = (
    "The Quiet Harbour", "Neon Orchard", "Saltwater Kings", "The Last Cartographer",
    "Midnight Bakery", "Iron Meadow", "Paper Moons", "Glass Highway", "Little Volcano",
    "Orbiting Home", "The Lantern Files", "Northbound",
)
CARRIERS = ("UPS", "FedEx", "DHL", "Royal Mail", "Brightwave Express")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
PROMOS = ("WAVE10", "SPRING15", "BRIGHT20", "NOVA50", "WELCOME10", "STUDENT15", "BUNDLE25")
STORE_HOURS = ("9am–8pm", "10am–9pm", "9:30am–7pm", "10am–8pm", "8am–6pm")
MALLS = ("Riverside Centre", "Westgate Mall", "Harbour Point", "Maple Plaza", "Northfield Centre")
NOVA_COLORS = ("Graphite", "Frost", "Coral", "Midnight Blue")
# Mild or obfuscated on purpose: harassment samples must be clearly abusive without slurs.
INSULTS = ("m0ron", "id*ot", "clown", "dimwit", "numpty", "halfwit", "muppet", "buffoon",
           "stup1d fool", "waste of space", "bozo", "nitwit")
EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example", "inbox.example")
_ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def _digits(rng: random.Random, n: int) -> str:
    return "".join([str(rng.randrange(10)) for _ in range(n)])


def _date(rng: random.Random) -> str:
    return f"{rng.choice(MONTHS)} {rng.randrange(1, 29)}"


def _amount(rng: random.Random) -> str:
    return f"${rng.randrange(4, 480)}.{rng.randrange(100):02d}"


def _tracking(carrier: str, rng: random.Random) -> str:
    # Real-looking formats, none a bare 13-19 digit run that a card detector would flag.
    if carrier == "UPS":
        return "1Z" + "".join([rng.choice(_ALNUM) for _ in range(6)]) + "03" + _digits(rng, 8)
    if carrier == "FedEx":
        return _digits(rng, 12)
    if carrier == "DHL":
        return _digits(rng, 10)
    if carrier == "Royal Mail":
        return rng.choice(("AB", "RT", "KX", "LM")) + _digits(rng, 9) + "GB"
    return "BWX" + _digits(rng, 9)


# ---- PII helpers (public: tests and the injection module use them) ----

def luhn_valid(number: str) -> bool:
    """True if the digits of ``number`` (spaces/dashes ignored) pass the Luhn check."""
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return bool(digits) and total % 10 == 0


def luhn_complete(payload: str) -> str:
    """Append the check digit that makes ``payload`` Luhn-valid."""
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch)
        if i % 2 == 0:  # these positions are doubled once the check digit is appended
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return payload + str((10 - total % 10) % 10)


_CARD_BRANDS = (("4", 16), ("51", 16), ("53", 16), ("55", 16), ("34", 15), ("37", 15), ("6011", 16))


def fake_card(rng: random.Random) -> str:
    """A Luhn-valid card number (Visa, Mastercard, Amex or Discover shaped), grouped."""
    prefix, length = rng.choice(_CARD_BRANDS)
    number = luhn_complete(prefix + _digits(rng, length - len(prefix) - 1))
    sep = rng.choice((" ", "-", ""))
    groups = (4, 6, 5) if length == 15 else (4, 4, 4, 4)
    out, i = [], 0
    for g in groups:
        out.append(number[i:i + g])
        i += g
    return sep.join(out)


def fake_phone(rng: random.Random) -> str:
    kind = rng.randrange(3)
    if kind == 0:
        return f"+1-555-01{rng.randrange(100):02d}"
    if kind == 1:
        return f"+1 ({rng.choice(('202', '312', '415', '512', '617'))}) 555-01{rng.randrange(100):02d}"
    return f"+44 7700 900{rng.randrange(1000):03d}"


def fake_email(rng: random.Random, first: str, last: str) -> str:
    first, last = first.lower(), last.lower().replace("ü", "ue")
    shape = rng.randrange(4)
    local = (f"{first}.{last}", f"{first[0]}{last}{rng.randrange(10, 99)}",
             f"{first}_{last[0]}", f"{last}.{first}{rng.randrange(1, 9)}")[shape]
    return f"{local}@{rng.choice(EMAIL_DOMAINS)}"


def fake_address(rng: random.Random) -> str:
    city, state, zip3 = rng.choice(US_PLACES)
    unit = f", Apt {rng.randrange(1, 40)}" if rng.random() < 0.3 else ""
    return (f"{rng.randrange(12, 9900)} {rng.choice(STREETS)} {rng.choice(STREET_KINDS)}{unit}, "
            f"{city}, {state} {zip3}{rng.randrange(100):02d}")


def fake_person(rng: random.Random) -> dict[str, str]:
    """Another customer's record: keys v_first, v_full, v_email, v_phone, v_card, v_exp, v_address."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return {
        "v_first": first,
        "v_full": f"{first} {last}",
        "v_email": fake_email(rng, first, last),
        "v_phone": fake_phone(rng),
        "v_card": fake_card(rng),
        "v_exp": f"{rng.randrange(1, 13):02d}/{rng.randrange(26, 32)}",
        "v_address": fake_address(rng),
    }


# ---- the slot table ----

def _plan(rng):
    plan, price = rng.choice(PLANS)
    return {"plan": plan, "plan_price": price}


def _shipment(rng):
    carrier = rng.choice(CARRIERS)
    return {"carrier": carrier, "tracking": _tracking(carrier, rng)}


def _own_contact(rng):
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return {"email_own": fake_email(rng, first, last), "phone_own": fake_phone(rng),
            "address_own": fake_address(rng)}


# Slots that must agree with each other are drawn together by a group function.
_GROUPS = {
    "plan": _plan, "plan_price": _plan,
    "carrier": _shipment, "tracking": _shipment,
    "email_own": _own_contact, "phone_own": _own_contact, "address_own": _own_contact,
    **{k: fake_person for k in ("v_first", "v_full", "v_email", "v_phone", "v_card", "v_exp",
                                "v_address")},
}

GENERATORS = {
    "name": lambda r: r.choice(FIRST_NAMES),
    "insult": lambda r: r.choice(INSULTS),
    "order_id": lambda r: f"BW-{r.randrange(10000, 100000)}",
    "ticket": lambda r: f"CS-{r.randrange(100000, 1000000)}",
    "rma": lambda r: f"RMA-{r.randrange(10000, 100000)}",
    "product": lambda r: r.choice(PRODUCTS),
    "show": lambda r: r.choice(SHOWS),
    "city": lambda r: r.choice(CITIES),
    "date": _date,
    "date2": _date,
    "nova_date": lambda r: f"{r.choice(('October', 'November'))} {r.randrange(1, 29)}",
    "weekday": lambda r: r.choice(WEEKDAYS),
    "time": lambda r: f"{r.randrange(9, 18) % 12 or 12}:{r.choice(('00', '15', '30', '45'))} "
                      f"{'am' if r.random() < 0.4 else 'pm'}",
    "days": lambda r: str(r.randrange(2, 11)),
    "months": lambda r: str(r.randrange(3, 23)),
    "minutes": lambda r: str(r.randrange(5, 41)),
    "hours": lambda r: str(r.randrange(6, 31)),
    "amount": _amount,
    "percent": lambda r: str(r.choice((10, 15, 20, 25, 30))),
    "promo": lambda r: r.choice(PROMOS) if r.random() < 0.6 else "BW" + "".join(
        [r.choice(_ALNUM) for _ in range(6)]),
    "last4": lambda r: f"{r.randrange(10000):04d}",
    "error_code": lambda r: r.choice(("E-", "ERR_", "0x", "BW-E")) + str(r.randrange(100, 999)),
    "firmware": lambda r: f"{r.randrange(3, 7)}.{r.randrange(10)}.{r.randrange(20)}",
    "storage": lambda r: f"{r.randrange(2, 190)}.{r.randrange(10)} GB",
    "store_hours": lambda r: r.choice(STORE_HOURS),
    "mall": lambda r: r.choice(MALLS),
    "nova_color": lambda r: r.choice(NOVA_COLORS),
    "wave": lambda r: str(r.randrange(1, 5)),
    "override": lambda r: "OVR-" + "".join([r.choice(_ALNUM) for _ in range(8)]),
    "pin": lambda r: _digits(r, 6),
    "admin_pw": lambda r: r.choice(("Brightwave", "Wave", "Admin", "Support")) + "!" + _digits(r, 4)
                          + r.choice(("#", "$", "?", "")),
}


class Slots(dict):
    """A dict that draws a missing slot from ``rng`` on first use (see module docstring)."""

    __slots__ = ("rng",)

    def __init__(self, rng: random.Random):
        super().__init__()
        self.rng = rng

    def __missing__(self, key: str) -> str:
        group = _GROUPS.get(key)
        if group is not None:
            for k, v in group(self.rng).items():
                self.setdefault(k, v)
            return self[key]
        try:
            value = GENERATORS[key](self.rng)
        except KeyError:
            raise KeyError(f"unknown template slot {key!r}") from None
        self[key] = value
        return value
