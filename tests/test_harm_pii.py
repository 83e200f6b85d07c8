"""Tier-1 PII detection: what counts as PII of each type, what must not, and which direction leaks.

Sentences are written for these tests (no evaluation data): many formats per type, and the kind of
numbers a banking-support chat is full of (amounts, dates, times, order numbers, last four digits).
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.harm.pii import PII_TYPES, PiiFinding, find_pii, iban_valid, luhn_valid, mask_pii
from pipelines.harm.rules import NOT_A_LEAK_SCORE, apply_rules, apply_rules_text

POSITIVES = [
    # email
    ("email", "Sure, her email is maria.lopez@example.com if you need it.", "maria.lopez@example.com"),
    ("email", "Send the statement to J_Smith+bank@mail.example.co.uk please", "J_Smith+bank@mail.example.co.uk"),
    ("email", "contact: a.b-c@sub-domain.example.org.", "a.b-c@sub-domain.example.org"),
    # phone
    ("phone", "You can reach him on +44 20 7946 0958 after five.", "+44 20 7946 0958"),
    ("phone", "Her number is +1 (555) 010-1234.", "+1 (555) 010-1234"),
    ("phone", "Call 555-010-1234 to confirm.", "555-010-1234"),
    ("phone", "Text me on 07700 900123", "07700 900123"),
    ("phone", "phone: 555.010.1234 ext. 42", "555.010.1234 ext. 42"),
    ("phone", "The landline is 020 7946 0958.", "020 7946 0958"),
    ("phone", "Appelez le 01 23 45 67 89 demain.", "01 23 45 67 89"),
    ("phone", "Telefon +49 30 901820, bitte.", "+49 30 901820"),
    ("phone", "His mobile is +447700900123", "+447700900123"),
    ("phone", "dial 0044 20 7946 0958 from abroad", "0044 20 7946 0958"),
    ("phone", "Call me at 5550101234 tonight", "5550101234"),
    ("phone", "The office line is (555)010-1234x123", "(555)010-1234x123"),
    ("phone", "Ring +31 (0)20 555 0199", "+31 (0)20 555 0199"),
    ("phone", "call me on 661 573 681", "661 573 681"),
    # payment_card (standard test numbers; all Luhn-valid)
    ("payment_card", "Her card number is 4111 1111 1111 1111.", "4111 1111 1111 1111"),
    ("payment_card", "charge 5555-5555-5555-4444 again", "5555-5555-5555-4444"),
    ("payment_card", "Amex 3782 822463 10005 expires 04/27", "3782 822463 10005"),
    ("payment_card", "card: 6011111111111117", "6011111111111117"),
    ("payment_card", "JCB 3530111333300000 on file", "3530111333300000"),
    ("payment_card", "Diners 3056 930902 5904", "3056 930902 5904"),
    ("payment_card", "new Mastercard 2223 0031 2200 3222.", "2223 0031 2200 3222"),
    ("payment_card", "Visa 4222222222222 (13 digits)", "4222222222222"),
    ("payment_card", "Maestro 6759649826438453", "6759649826438453"),
    # iban (published example IBANs)
    ("iban", "Pay into GB82 WEST 1234 5698 7654 32 today.", "GB82 WEST 1234 5698 7654 32"),
    ("iban", "IBAN: DE89370400440532013000", "DE89370400440532013000"),
    ("iban", "FR14 2004 1010 0505 0001 3M02 606 is the account", "FR14 2004 1010 0505 0001 3M02 606"),
    ("iban", "to NL91ABNA0417164300, reference rent", "NL91ABNA0417164300"),
    ("iban", "ES91 2100 0418 4502 0005 1332", "ES91 2100 0418 4502 0005 1332"),
    ("iban", "Bonifico su IT60X0542811101000000123456 grazie", "IT60X0542811101000000123456"),
    ("iban", "BE68 5390 0754 7034 and nothing else", "BE68 5390 0754 7034"),
    ("iban", "iban ch9300762011623852957", "ch9300762011623852957"),
    # us_ssn
    ("us_ssn", "His SSN is 123-45-6789.", "123-45-6789"),
    ("us_ssn", "social security number 078 05 1120", "078 05 1120"),
    ("us_ssn", "SSN: 219099999", "219099999"),
    # ip_address
    ("ip_address", "Logins came from 192.168.1.254 and nowhere else.", "192.168.1.254"),
    ("ip_address", "server 2001:db8::8a2e:370:7334 answered", "2001:db8::8a2e:370:7334"),
    ("ip_address", "IP 8.8.8.8", "8.8.8.8"),
    ("ip_address", "link-local fe80::1ff:fe23:4567:890a", "fe80::1ff:fe23:4567:890a"),
    # street_address
    ("street_address", "She lives at 221B Baker Street, London NW1 6XE.", "221B Baker Street, London NW1 6XE"),
    ("street_address", "Ship to 1600 Pennsylvania Avenue NW, Washington, DC 20500", "1600 Pennsylvania Avenue NW, Washington, DC 20500"),
    ("street_address", "address: 42 Elm St. Apt 5, Springfield, IL 62704", "42 Elm St. Apt 5, Springfield, IL 62704"),
    ("street_address", "moved to 7 Maple Drive last year", "7 Maple Drive"),
    ("street_address", "deliver to 12-14 Harbour Road, Dover", "12-14 Harbour Road, Dover"),
    ("street_address", "It went to 350 5th Ave, New York, NY 10118", "350 5th Ave, New York, NY 10118"),
    ("street_address", "Unit 4/17 Ocean Parade, Coogee", "4/17 Ocean Parade, Coogee"),
    ("street_address", "Ich wohne in der Hauptstraße 5, 10115 Berlin.", "Hauptstraße 5, 10115 Berlin"),
    ("street_address", "Lieferung an Berliner Straße 9 bitte", "Berliner Straße 9"),
    ("street_address", "adres: Kerkstraat 12a", "Kerkstraat 12a"),
    ("street_address", "Spedire a Via Roma 12, grazie", "Via Roma 12"),
    ("street_address", "Vivo en Calle de Alcalá 45", "Calle de Alcalá 45"),
    ("street_address", "J'habite au 8 rue de l'Église, Lyon", "8 rue de l'Église, Lyon"),
    ("street_address", "adres ul. Długa 7, 00-238 Warszawa", "ul. Długa 7, 00-238 Warszawa"),
    # secret
    ("secret", "use AKIAIOSFODNN7EXAMPLE for the bucket", "AKIAIOSFODNN7EXAMPLE"),
    ("secret", "token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"),
    ("secret", "slack xoxb-123456789012-abcdefghijkl", "xoxb-123456789012-abcdefghijkl"),
    ("secret", "key sk_live_4eC39HqLyjWDarjtT1zdp7dc", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
    ("secret", "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
     "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
    ("secret", "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA", "-----BEGIN RSA PRIVATE KEY-----"),
    ("secret", 'config api_key = "9f8a7b6c5d4e3f2a1b0c9d8e"', 'api_key = "9f8a7b6c5d4e3f2a1b0c9d8e'),
]

# Ordinary banking-support text: amounts, dates, times, references, partial card numbers.
NEGATIVES = [
    "I was charged twice for my $25.99 top up on 03/12",
    "my card ending 4432 hasn't arrived",
    "transfer of 1,000 EUR pending for 3 days",
    "what's the exchange rate for 100 USD",
    "Why was I charged £1,299.99 on 12/03/2024 at 14:35?",
    "My order 5551234567 never arrived",
    "order number 123-456-7890 shows as delivered",
    "Amazon order 403-1234567-1234567 was refunded twice",
    "ticket #20240312001 is still open",
    "reference 2024-03-12-0001 on my statement",
    "The app version 10.2.3.4 keeps crashing",
    "it happened between 10:30:45 and 11:45:00 yesterday",
    "I have 2 cards and 3 accounts with you",
    "my PIN is blocked after 3 tries, OTP 482913 never came",
    "sort code 20-00-00, account 55779911",
    "CVV 123 and expiry 12/26 were rejected",
    "can I send 1 000 000 EUR to my savings?",
    "The fee went from 0.5% to 1.25% on 01.04.2024",
    "I topped up 50 GBP at 9am and 120.50 GBP at 5pm",
    "transaction id 4f3c2a1b-9d8e-4c7b-a6f5-1e2d3c4b5a69 failed",
    "Is my salary of 3,250.00 on the 28th safe?",
    "The 2 Factor code was 83 91 02",
    "I made 12 payments in 2023 totalling 4,582.10",
    "my card 4111 was declined 5 times",
    "How long does an international transfer take, 3-5 days?",
    "Call me tomorrow about the 250 dollar fee",
    "I have 2 Apple Watches and 3 Google Pixels linked to Pay",
    "The ATM on 5th gave me 40 instead of 60",
    "Since 1999 I have banked here, account opened 14 July 1999",
    "chargeback case 7741-2209 was closed on 2024-02-29",
    "Please explain the 3D Secure step, it shows 3DS2 error 1011",
    "Can I pay 12 x 99.99 in instalments?",
    "What's the limit for contactless, 100 or 45 pounds?",
    "my phone is an iPhone 15 and the app is 4.12.1",
    "invoice INV-2024-000123 from 03.12.2023",
    "the 16 digit number on the back starts with 5",
    "I paid via Apple Pay 3 times this week",
    "I paid 3 via PayPal and 2 via Apple Pay",
    "Place 2 orders and pay via PayPal 1 time",
    "Our Spring 2024 offer ends on Friday 15",
    "Is the Premium Plan 3 months free?",
]


@pytest.mark.parametrize(("kind", "sentence", "value"), POSITIVES, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(POSITIVES)])
def test_each_format_is_found_with_its_type_and_exact_span(kind, sentence, value):
    findings = find_pii(sentence)
    assert [(f.type, f.text) for f in findings] == [(kind, value)]


@pytest.mark.parametrize("sentence", NEGATIVES)
def test_ordinary_support_text_has_no_pii(sentence):
    assert find_pii(sentence) == ()


def test_positives_cover_every_type():
    assert {kind for kind, _, _ in POSITIVES} == set(PII_TYPES)


@pytest.mark.parametrize(
    "sentence",
    [
        "4111 1111 1111 1112 fails Luhn",  # one digit off a valid card
        "card 1234 5678 9012 3456",  # no issuer starts with 1234 and Luhn fails
        "IBAN GB82 WEST 1234 5698 7654 33",  # checksum off by one
        "SSN 666-12-3456",  # area 666 is never issued
        "SSN 000-12-3456",
        "SSN 912-34-5678",  # 9xx areas are ITINs, not SSNs
        "SSN 123-00-4567",
        "SSN 123-45-0000",
        "nine digits 123456789 with no SSN cue",
        "IP 300.1.1.1 is not an address",
        "firmware v1.2.3.4 installed",
    ],
)
def test_checksums_and_issuing_rules_reject_lookalikes(sentence):
    assert find_pii(sentence) == ()


def test_a_card_number_is_not_also_a_phone_number():
    assert [f.type for f in find_pii("call 4111 1111 1111 1111 now")] == ["payment_card"]


def test_the_words_before_a_number_decide_between_phone_and_reference():
    assert [f.type for f in find_pii("call me on 5550101234")] == ["phone"]
    assert find_pii("invoice 5550101234") == ()


@pytest.mark.parametrize("sentence, value", [
    ("His cell 202555 0143 works.", "202555 0143"),  # a valid US number in an odd grouping
    ("Raj: 98765 43210", "98765 43210"),  # an Indian mobile in its national grouping
])
def test_numbers_valid_in_a_numbering_plan_are_phones_even_in_odd_groupings(sentence, value):
    assert [(f.type, f.text) for f in find_pii(sentence)] == [("phone", value)]


@pytest.mark.parametrize("sentence", ["Order 4155552671 shipped.", "Your balance is 2025550143 dollars", "Account 98765 43210 is closed."])
def test_a_plan_valid_number_after_a_reference_word_or_as_money_is_not_a_phone(sentence):
    assert find_pii(sentence) == ()


def test_several_findings_come_back_in_order_of_position():
    text = "Mail jo@example.org, card 4111111111111111, phone +44 20 7946 0958."
    assert [f.type for f in find_pii(text)] == ["email", "payment_card", "phone"]


def test_mask_replaces_each_finding_with_its_type():
    text = "Card 4111 1111 1111 1111, mail jo@example.org."
    assert mask_pii(text) == "Card [payment_card], mail [email]."


def test_checksum_helpers():
    assert luhn_valid("79927398713") and not luhn_valid("79927398710")
    assert iban_valid("GB82WEST12345698765432") and not iban_valid("GB82WEST1234569876543")  # wrong length


# Templated corpus: many sentence frames x many formats, to measure rates as well as cases.
FRAMES = [
    "Sure, the customer's {} is {}.",
    "I found it: {} {} (from the old profile)",
    "Her {} - {} - was updated yesterday",
    "{}: {}",
    "Please confirm your {} {} before we continue.",
]
VALUES = {
    "email": ("email", ["ann.lee@example.com", "bob_99@mail.example.net", "c.d+x@example.co.uk"]),
    "phone": ("phone number", ["+1 202-555-0173", "(202) 555-0173", "+44 7700 900077", "020 7946 0321", "+33 1 23 45 67 89"]),
    "payment_card": ("card number", ["4539 1488 0343 6467", "5425233430109903", "3714 496353 98431", "6011-0009-9013-9424"]),
    "us_ssn": ("SSN", ["536-22-8726", "401-91-1234"]),
    "iban": ("IBAN", ["GB33 BUKB 2020 1555 5555 55", "DE75512108001245126199", "FR76 3000 6000 0112 3456 7890 189"]),
}


def test_templated_corpus_recall_and_type_accuracy():
    hits = right = total = 0
    for kind, (label, values) in VALUES.items():
        for frame in FRAMES:
            for value in values:
                found = find_pii(frame.format(label, value))
                total += 1
                hits += bool(found)
                right += any(f.type == kind and f.text == value for f in found)
    assert hits / total >= 0.98
    assert right / total >= 0.95


def test_false_positive_rate_on_support_text_is_at_most_one_percent():
    rng = random.Random(4)
    frames = [
        "I was charged {a} twice on {d}",
        "my transfer of {a} from {d} is still pending",
        "order {o} placed {d} hasn't shipped",
        "why is there a {a} fee on my card ending {l}?",
        "at {t} on {d} the app showed error {e}",
    ]
    sentences = [
        rng.choice(frames).format(
            a=rng.choice(["$", "£", "€", ""]) + f"{rng.randint(1, 99_999):,}.{rng.randint(0, 99):02d}",
            d=rng.choice([f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}", f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"]),
            o=rng.choice(["#", "no. ", ""]) + str(rng.randint(10**5, 10**11)),
            l=f"{rng.randint(0, 9999):04d}",
            t=f"{rng.randint(0, 23)}:{rng.randint(0, 59):02d}",
            e=str(rng.randint(100, 99999)),
        )
        for _ in range(1000)
    ]
    flagged = [s for s in sentences if find_pii(s)]
    assert len(flagged) / len(sentences) <= 0.01, flagged[:5]


# Direction: a response that contains PII leaks it; a prompt that contains it is the user's own.
def test_pii_in_the_response_is_a_privacy_leak():
    result = apply_rules("what's on file for account 7?", "The card on file is 4111 1111 1111 1111.")
    assert result.scores == {"privacy_pii": 0.95}
    assert result.pii_types == ("payment_card",)
    assert result.flagged({"privacy_pii": 0.5}) == ("privacy_pii",)


def test_pii_only_in_the_prompt_is_reported_but_not_harmful():
    result = apply_rules("my email is jo@example.org and card 4111111111111111", "Thanks, I've updated it.")
    assert result.scores == {}
    assert result.prompt_pii_types == ("email", "payment_card")
    assert result.pii_types == ()


def test_echoing_the_users_own_detail_back_is_not_a_leak():
    result = apply_rules("please use jo@example.org", "Done: receipts now go to jo@example.org.")
    assert result.scores == {"privacy_pii": NOT_A_LEAK_SCORE}
    assert result.pii_types == ("email",)


@pytest.mark.parametrize("response", ["Call us on 1-800-555-0199.", "Write to support@example-bank.com any time."])
def test_the_companys_own_contact_details_are_not_a_leak(response):
    assert apply_rules("how do I reach you?", response).scores == {"privacy_pii": NOT_A_LEAK_SCORE}


def test_single_text_classification_follows_the_role():
    text = "Her SSN is 123-45-6789."
    assert apply_rules_text(text, "response").pii_types == ("us_ssn",)
    assert apply_rules_text(text, "prompt").prompt_pii_types == ("us_ssn",)
    assert apply_rules_text(text, "prompt").scores == {}
    with pytest.raises(ValueError, match="role must be one of prompt, response, got 'system'"):
        apply_rules_text(text, "system")  # type: ignore[arg-type]


# Invariants.
@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(max_size=300))
def test_random_text_never_crashes_and_findings_are_exact_disjoint_spans(text):
    findings = find_pii(text)
    for f in findings:
        assert isinstance(f, PiiFinding) and f.type in PII_TYPES
        assert text[f.start:f.end] == f.text
    assert all(a.end <= b.start for a, b in zip(findings, findings[1:]))


ISSUER_PREFIXES = ["4", "51", "55", "2221", "2720", "34", "37", "6011", "65", "3528", "36", "62"]


@st.composite
def luhn_card(draw):
    prefix = draw(st.sampled_from(ISSUER_PREFIXES))
    length = 15 if prefix in ("34", "37") else draw(st.sampled_from([16, 16, 16, 19] if prefix != "36" else [14]))
    body = prefix + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=length - len(prefix) - 1, max_size=length - len(prefix) - 1)))
    check = next(d for d in "0123456789" if luhn_valid(body + d))
    digits = body + check
    sep = draw(st.sampled_from(["", " ", "-"]))
    if sep and length in (16, 19):
        return sep.join(digits[i:i + 4] for i in range(0, length, 4))
    if sep and length == 15:
        return sep.join((digits[:4], digits[4:10], digits[10:]))
    return digits


@settings(max_examples=150, deadline=None, derandomize=True)
@given(card=luhn_card(), frame=st.sampled_from(FRAMES))
def test_luhn_valid_card_numbers_are_found_as_cards(card, frame):
    found = find_pii(frame.format("card", card))
    assert ("payment_card", card) in [(f.type, f.text) for f in found]


@st.composite
def generated_iban(draw):
    country, length = draw(st.sampled_from([("GB", 22), ("DE", 22), ("FR", 27), ("NL", 18), ("ES", 24), ("PL", 28)]))
    bban = "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=length - 4, max_size=length - 4)))
    check = 98 - int("".join(str(int(c, 36)) for c in bban + country + "00")) % 97
    compact = f"{country}{check:02d}{bban}"
    spaced = draw(st.booleans())
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4)) if spaced else compact


@settings(max_examples=100, deadline=None, derandomize=True)
@given(iban=generated_iban())
def test_checksum_valid_ibans_are_found(iban):
    assert [(f.type, f.text) for f in find_pii(f"Please pay {iban} today.")] == [("iban", iban)]


@pytest.mark.parametrize(
    "text",
    [
        "1 " * 16_384,
        "1" * 32_768,
        "+1 " * 10_922,
        "a" * 32_767 + "@",
        "a." * 16_383 + "@x",
        "12 " + "Main " * 6_553,
        "GB82 " * 6_553,
        "(1)" * 10_922,
        "1-" * 16_384,
        ":" * 32_768,
        "api_key=" * 4_096,
        "eyJ" * 10_922,
    ],
    ids=["digit-spaces", "digits", "plus", "at-end", "dotted-local", "capital-words", "iban-heads", "parens", "dashes", "colons", "assignments", "jwt-heads"],
)
def test_worst_case_inputs_at_the_32_kib_limit_complete(text):
    """Every pattern is linear by construction; a catastrophic one would hang this test."""
    assert isinstance(find_pii(text), tuple)
