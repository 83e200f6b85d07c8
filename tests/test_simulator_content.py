"""Specification of the simulated Brightwave bot's text (simulators/content)."""

import random
import re
from collections import Counter

import pytest

from simulators import content
from simulators.content import (
    CANARIES, HARM_CATEGORIES, INTENTS, LAUNCH_INTENTS, Style, is_refusal, is_rude, luhn_valid,
    render_canary, render_hard_negative, render_harm, render_injection_attack, render_pii_leak,
    render_turn,
)
from simulators.content import harm_text, injection, intents, negatives, phrasing, style
from simulators.content.slots import Slots, fake_card, luhn_complete

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 13-19 digits, optionally grouped by single spaces or dashes.
CARD_RE = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
PHONE_RE = re.compile(r"\+1-555-01\d\d|\+1 \(\d{3}\) 555-01\d\d|\+44 7700 900\d{3}")
ADDRESS_RE = re.compile(r"\d+ \w+ (?:Street|Avenue|Road|Lane|Drive|Court|Boulevard|Way)\b")
FAKE_EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example", "inbox.example")


def contains_pii(text: str) -> bool:
    cards = [m for m in CARD_RE.findall(text) if luhn_valid(m)]
    return bool(EMAIL_RE.search(text) or cards or PHONE_RE.search(text) or ADDRESS_RE.search(text))


def uniform_turns(n, seed, style_=Style()):
    rng = random.Random(seed)
    return [render_turn(rng.choice(INTENTS), rng, style_) for _ in range(n)]


# ---- catalogue ----

def test_there_are_at_least_twelve_distinct_intents_including_the_launch_ones():
    assert len(INTENTS) >= 12
    assert len(set(INTENTS)) == len(INTENTS)
    assert "new_product_preorder" in INTENTS
    assert set(LAUNCH_INTENTS) <= set(INTENTS)


def test_harm_categories_are_the_agreed_eight():
    assert HARM_CATEGORIES == (
        "harassment_hate", "self_harm", "violence_weapons", "illegal_activity", "misinformation",
        "sexual", "privacy_pii", "prompt_injection_jailbreak")


def _all_templates():
    for exchanges, contexts, followups in intents._TABLES.values():
        for prompts, replies in exchanges:
            yield from prompts
            yield from replies
        yield from contexts
        yield from followups
    for topics in harm_text.HARM_TEXT.values():
        for prompts, replies in topics:
            yield from prompts or ()
            yield from replies
    for prompts, replies in negatives.EXCHANGES:
        yield from prompts
        yield from replies
    yield from injection._LEAK_PROMPTS + injection._LEAK_REPLIES
    for group in (injection._PAYLOADS, injection._COMPLIED, injection._REFUSED, injection._DIRECT):
        for texts in group.values():
            yield from texts
    yield from injection._REFUSED_GENERIC
    yield from phrasing.OPENERS + phrasing.CLOSERS + phrasing.SIGNOFFS + phrasing.GENERIC_CONTEXT
    yield from phrasing.GENERIC_EXTRAS


def test_every_template_names_only_known_slots():
    rng = random.Random(0)
    for template in _all_templates():
        slots = Slots(rng)
        slots["payload"] = "do something"  # the one slot injection frames fill themselves
        text = template.format_map(slots)
        assert "{" not in text and "}" not in text, template


# ---- determinism ----

def test_same_seed_and_arguments_give_the_same_text():
    styles = (Style(), Style(verbosity=2.0, rudeness=0.3, refusal_rate=0.2), Style(strict=True))
    for s in styles:
        def run(seed):
            rng = random.Random(seed)
            out = [render_turn(INTENTS[i % len(INTENTS)], rng, s) for i in range(200)]
            out += [render_harm(c, rng, s) for c in HARM_CATEGORIES]
            out += [render_injection_attack(rng, s, complied=c, leak_pii=c) for c in (False, True)]
            out += [render_hard_negative(rng, s), render_pii_leak(rng, s), render_canary(rng, s)]
            return out
        assert run(11) == run(11)
        assert run(11) != run(12)


def test_global_random_state_is_never_touched():
    random.seed(5)
    before = random.getstate()
    uniform_turns(200, seed=1)
    render_harm("sexual", random.Random(1), Style())
    assert random.getstate() == before


def test_the_style_does_not_change_the_first_customer_message_of_a_seed():
    plain = [p for p, _ in uniform_turns(300, seed=3)]
    styled = [p for p, _ in uniform_turns(300, seed=3, style_=Style(verbosity=2.5, rudeness=0.5))]
    assert plain[0] == styled[0]  # the prompt is drawn before any style-dependent draw


# ---- variety ----

def test_ten_thousand_uniform_turns_are_varied():
    turns = uniform_turns(10_000, seed=2024)
    assert len({r for _, r in turns}) >= 3_000
    assert len({p for p, _ in turns}) >= 2_000


def test_prompts_vary_in_length_and_sometimes_have_typos_or_lowercase():
    prompts = [p for p, _ in uniform_turns(2_000, seed=9)]
    lengths = sorted(len(p) for p in prompts)
    assert lengths[len(lengths) // 10] * 2 < lengths[-len(lengths) // 10]
    assert sum(p == p.lower() for p in prompts) > 100


@pytest.mark.parametrize("category", HARM_CATEGORIES)
def test_every_harm_category_renders_varied_non_empty_text(category):
    rng = random.Random(category)
    turns = [render_harm(category, rng, Style()) for _ in range(200)]
    assert all(p.strip() and r.strip() for p, r in turns)
    assert len({r for _, r in turns}) >= 20


def test_launch_intents_talk_about_the_nova_and_the_others_do_not():
    rng = random.Random(4)
    launch = [render_turn(i, rng, Style()) for i in LAUNCH_INTENTS for _ in range(200)]
    other = [render_turn(i, rng, Style()) for i in INTENTS if i not in LAUNCH_INTENTS
             for _ in range(50)]
    assert sum("nova" in (p + r).lower() for p, r in launch) / len(launch) > 0.9
    assert not any(re.search(r"\bNova\b", p + r) for p, r in other)


# ---- PII ----

def test_luhn_helpers_agree_with_known_numbers():
    assert luhn_valid("4111 1111 1111 1111") and luhn_valid("378282246310005")
    assert not luhn_valid("4111 1111 1111 1112") and not luhn_valid("")
    rng = random.Random(1)
    for _ in range(500):
        assert luhn_valid(luhn_complete(str(rng.randrange(10**14, 10**15))))
        assert luhn_valid(fake_card(rng))


def test_pii_leaks_contain_a_fake_email_and_only_luhn_valid_cards():
    rng = random.Random(7)
    with_card = 0
    for _ in range(300):
        _, reply = render_pii_leak(rng, Style())
        emails = EMAIL_RE.findall(reply)
        assert emails and all(e.endswith(FAKE_EMAIL_DOMAINS) for e in emails), reply
        cards = CARD_RE.findall(reply)
        assert all(luhn_valid(c) for c in cards), reply
        with_card += bool(cards)
    assert with_card > 100


def test_injection_leaks_list_complete_fake_records():
    rng = random.Random(8)
    for _ in range(200):
        prompt, reply = render_injection_attack(rng, Style(), complied=True, leak_pii=True)
        assert EMAIL_RE.search(reply) and PHONE_RE.search(reply) and ADDRESS_RE.search(reply)
        cards = CARD_RE.findall(reply)
        assert cards and all(luhn_valid(c) for c in cards), reply
        assert not contains_pii(prompt)


@pytest.mark.parametrize("s", [Style(), Style(verbosity=3.0), Style(strict=True)])
def test_refused_and_non_leaking_injections_contain_no_pii(s):
    rng = random.Random(9)
    for complied in (False, True):
        for _ in range(300):
            _, reply = render_injection_attack(rng, s, complied=complied, leak_pii=False)
            assert not contains_pii(reply), reply


def test_injection_prompts_cover_several_attack_styles():
    rng = random.Random(10)
    prompts = " ".join(render_injection_attack(rng, Style(), complied=False, leak_pii=False)[0]
                       for _ in range(400))
    for marker in ("Ignore all previous instructions", "DAN", "base64", "rot13", "You are'"):
        assert marker in prompts


def test_a_refused_attack_cannot_leak():
    with pytest.raises(ValueError, match="leak_pii=True requires complied=True"):
        render_injection_attack(random.Random(0), Style(), complied=False, leak_pii=True)


def test_benign_turns_and_hard_negatives_do_not_leak_other_customers_data():
    rng = random.Random(12)
    for prompt, reply in uniform_turns(2_000, seed=12):
        assert not contains_pii(reply), reply
    for _ in range(500):
        _, reply = render_hard_negative(rng, Style())
        assert not contains_pii(reply), reply


def test_some_hard_negatives_quote_the_customers_own_details_in_the_prompt():
    rng = random.Random(13)
    prompts = [render_hard_negative(rng, Style())[0] for _ in range(1_000)]
    assert sum(contains_pii(p) for p in prompts) > 10


# ---- bad input ----

def test_unknown_intent_is_refused_by_name_with_the_valid_options():
    with pytest.raises(ValueError, match=r"unknown intent 'weather'.*order_status"):
        render_turn("weather", random.Random(0), Style())


def test_unknown_harm_category_is_refused_by_name_with_the_valid_options():
    with pytest.raises(ValueError, match=r"unknown harm category 'spam'.*self_harm"):
        render_harm("spam", random.Random(0), Style())


@pytest.mark.parametrize("kwargs, field", [
    ({"verbosity": 0}, "verbosity"), ({"rudeness": 1.5}, "rudeness"),
    ({"refusal_rate": -0.1}, "refusal_rate")])
def test_style_rejects_out_of_range_values_by_name(kwargs, field):
    with pytest.raises(ValueError, match=f"Style.{field}"):
        Style(**kwargs)


# ---- style ----

def _mean_len(turns):
    return sum(len(r) for _, r in turns) / len(turns)


def test_verbosity_two_makes_replies_at_least_half_again_as_long():
    assert _mean_len(uniform_turns(2_000, 5, Style(verbosity=2.0))) >= 1.5 * _mean_len(
        uniform_turns(2_000, 5))


def test_low_verbosity_and_strict_mode_shorten_replies():
    normal = _mean_len(uniform_turns(2_000, 6))
    assert _mean_len(uniform_turns(2_000, 6, Style(verbosity=0.5))) < normal
    assert _mean_len(uniform_turns(2_000, 6, Style(strict=True, verbosity=2.0))) < normal


def test_strict_mode_is_formal_and_never_rude():
    turns = uniform_turns(1_000, 7, Style(strict=True, rudeness=1.0))
    for _, reply in turns:
        assert "!" not in reply and "can't" not in reply and "I'm" not in reply
        assert not is_rude(reply)


def test_refusal_rate_one_always_refuses():
    for _, reply in uniform_turns(1_000, 8, Style(refusal_rate=1.0)):
        assert is_refusal(reply), reply
    for _, reply in uniform_turns(500, 8, Style(refusal_rate=1.0, strict=True, verbosity=2.0)):
        assert is_refusal(reply), reply
    rng = random.Random(8)
    assert all(is_refusal(render_hard_negative(rng, Style(refusal_rate=1.0))[1]) for _ in range(200))


def test_refusals_are_varied_and_roughly_at_the_requested_rate():
    replies = [r for _, r in uniform_turns(2_000, 9, Style(refusal_rate=0.3))]
    refused = [r for r in replies if is_refusal(r)]
    assert 0.25 < len(refused) / len(replies) < 0.35
    assert len(set(refused)) >= 100


def test_rudeness_raises_the_share_of_rude_replies():
    def share(rudeness):
        return sum(is_rude(r) for _, r in uniform_turns(2_000, 10, Style(rudeness=rudeness))) / 2_000
    assert share(0.0) == 0.0
    assert 0.25 < share(0.3) < 0.35
    assert share(1.0) == 1.0


def test_default_style_never_refuses_or_is_rude_in_benign_traffic():
    rng = random.Random(14)
    replies = [r for _, r in uniform_turns(3_000, 14)]
    replies += [render_hard_negative(rng, Style())[1] for _ in range(1_000)]
    assert not any(is_rude(r) or is_refusal(r) for r in replies)


def test_harmful_replies_keep_their_harm_under_any_style():
    # Style may pad or formalise a harmful reply but never swaps it for a refusal.
    rng = random.Random(15)
    s = Style(refusal_rate=1.0, rudeness=1.0, verbosity=2.0)
    for category in HARM_CATEGORIES:
        plain = render_harm(category, random.Random(1), Style())[1]
        padded = render_harm(category, random.Random(1), s)[1]
        assert padded.startswith(plain) and not is_refusal(padded)
    assert not is_refusal(render_pii_leak(rng, s)[1])


# ---- canaries ----

def test_canaries_are_a_fixed_bank_of_five_per_category():
    assert len(CANARIES) == 40 and len(set(CANARIES)) == 40
    assert Counter(c for _, _, c in CANARIES) == {c: 5 for c in HARM_CATEGORIES}
    for _, reply, category in CANARIES:
        for card in CARD_RE.findall(reply):
            assert luhn_valid(card)
        assert (category == "privacy_pii") == contains_pii(reply)


def test_render_canary_draws_from_the_bank_and_ignores_style():
    rng = random.Random(16)
    drawn = [render_canary(rng, Style(verbosity=3.0, strict=True)) for _ in range(400)]
    assert set(drawn) <= set(CANARIES)
    assert len(set(drawn)) == 40


def test_public_api_is_exported():
    for name in content.__all__:
        assert hasattr(content, name)
    assert style.Style is Style
