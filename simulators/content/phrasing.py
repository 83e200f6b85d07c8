"""Paraphrase pieces shared by every kind of turn: how customers open and close a message, how
the bot opens and closes a reply, and the neutral extra sentences that a verbose model adds.

Keeping these apart from the intent tables multiplies variety cheaply: ten prompt bodies times
sixteen greetings times typos is already hundreds of distinct prompts per intent.
"""

from __future__ import annotations

import random

from .slots import Slots

GREETINGS = (
    "hi", "Hi,", "Hello,", "hey", "Hey there,", "Good morning,", "Good evening.", "Hi there!",
    "hello?", "Hi Brightwave,", "Hiya,", "Quick question:", "Hi, hoping you can help.",
    "Hello support,", "Morning!", "Hi team,", "Hey, quick one.", "Hello again,",
)
SIGNOFFS = (
    "thanks", "Thanks!", "thx", "Thank you.", "Cheers, {name}", "Thanks in advance.", "ty",
    "- {name}", "Appreciate it.", "Thanks, {name}", "Thank you so much!", "Many thanks.",
)
# Context that fits any request; intents add their own on top.
GENERIC_CONTEXT = (
    "I've already tried restarting everything.", "This is the second time I'm asking.",
    "I'm using the app on my phone.", "I'm on the website right now.",
    "I'm not very techy, sorry.", "It's kind of urgent.", "My account is under {name}.",
    "Sorry if this was asked before.", "I couldn't find it in the FAQ.",
    "My partner set up the account, not me.",
)
OPENERS = (
    "Thanks for reaching out!", "Happy to help with that.", "Thanks for your patience, {name}.",
    "Hi {name}, thanks for getting in touch.", "Good question!", "Sure thing.", "Of course.",
    "I understand how frustrating that can be.", "Let me take a look.", "Thanks for the details.",
    "Hi there!", "Great question.", "Absolutely, I can help.", "Thanks for waiting, {name}.",
    "I've checked this for you.", "Sorry for the trouble.", "Hello {name}!", "No problem at all.",
    "Thanks for letting us know.", "Let's get this sorted.", "I can definitely look into that.",
    "Happy to clarify.",
)
CLOSERS = (
    "Is there anything else I can help with?", "Let me know if you have any other questions.",
    "Have a great day!", "Hope that helps!", "Anything else I can do for you today?",
    "Thanks for choosing Brightwave.", "Feel free to reply here if anything's unclear.",
    "Enjoy the rest of your day, {name}!", "I'm here if you need anything else.",
    "Take care!", "Happy to help further if needed.", "Have a lovely evening.",
    "Glad I could help.", "Just reply if that doesn't work.", "Talk soon!",
    "Thanks again for your patience.",
)
FORMAL_OPENERS = (
    "Thank you for contacting Brightwave Support.", "Thank you for your message.",
    "Good day.", "Thank you for your enquiry.",
)
FORMAL_CLOSERS = (
    "Kind regards, Brightwave Support.", "Regards, Brightwave Support.",
    "We trust this resolves your enquiry.", "Thank you for your understanding.",
)
# Explanations, upsell and caveats: the padding that makes a verbose model verbose.
GENERIC_EXTRAS = (
    "Processing times can be a little longer during holidays and sale events.",
    "You can also manage most of this yourself under Account in the Brightwave app.",
    "By the way, Brightwave One members get free express shipping and extended returns.",
    "If you haven't already, turning on two-factor authentication keeps your account extra secure.",
    "Our Help Centre has step-by-step guides with screenshots if you prefer to follow along.",
    "I'll keep this conversation linked to your account so the next agent can see the history.",
    "Please note that some changes can take up to 24 hours to show on all your devices.",
    "Many customers find it helpful to enable notifications so updates arrive right away.",
    "For what it's worth, this is one of the most common questions we get, so you're not alone.",
    "Stream Premium also includes 4K playback and offline downloads, in case that interests you.",
    "A quick tip: keeping your devices on the latest firmware prevents a lot of small issues.",
    "If anything changes on your end, just reply in this chat and it will reach us.",
    "We also run a trade-in programme, so older devices can be exchanged for store credit.",
    "I've added a note to your account so this is easy to pick up later.",
    "Please keep your order confirmation email handy, just in case.",
    "If you're on mobile data, switching to Wi-Fi can make the app a lot faster.",
    "Brightwave Cloud can back up your photos automatically if you switch it on in Settings.",
    "You'll receive an email confirmation for any change made to your account.",
    "Depending on your region, some options may look slightly different in the app.",
    "We're always improving, so feel free to rate this chat at the end.",
    "Live chat is open around the clock, and email support answers within one business day.",
    "There's also a community forum where other owners share tips and setups.",
    "Please allow a few minutes for the change to sync before trying again.",
    "As a reminder, Brightwave will never ask for your full password over chat.",
    "The Brightwave store currently has bundle discounts on cases and chargers.",
    "Nothing else is needed from you right now; the rest happens on our side.",
    "Should you need it later, the reference for this conversation is {ticket}.",
    "Most customers see this resolved within {days} business days.",
    "In rare cases, your bank may take an extra day or two to show the update.",
    "Restarting the app once also clears any cached data, which can help.",
    "Our policies are designed to be fair to every customer, and we review them regularly.",
    "If you'd like a written summary of this chat, I can email it to you.",
)


QUESTION_WORDS = ("how", "How", "what", "What", "why", "Why", "when", "When", "where", "Where",
                  "can", "Can", "do", "Do", "is", "Is", "does", "Does", "which", "Which", "will")

_LOWERABLE = frozenset(QUESTION_WORDS + (
    "Are", "Could", "Would", "Should", "Has", "Have", "My", "The", "It", "It's", "This", "Any",
    "Please", "Someone", "Everything", "There's", "Your", "Who", "Video", "Sound", "Subtitles",
    "Sync", "Playback", "Firmware", "Cloud", "Payment", "Refund", "Code", "Remove", "Order",
    "Tracking"))


def _typo(text: str, rng: random.Random) -> str:
    """Occasional human slips: a swapped, dropped or doubled letter, or an all-lowercase message."""
    r = rng.random()
    if r < 0.16 and len(text) > 12:
        i = rng.randrange(1, len(text) - 2)
        if text[i].isalpha() and text[i + 1].isalpha():
            if r < 0.07:
                text = text[:i] + text[i + 1] + text[i] + text[i + 2:]
            elif r < 0.12:
                text = text[:i] + text[i + 1:]
            else:
                text = text[:i] + text[i] + text[i:]
    if rng.random() < 0.12:
        text = text.lower().rstrip(".!")
    return text


def build_prompt(rng: random.Random, body: str, contexts, slots: Slots) -> str:
    """Greeting? + body + context? + sign-off?, with occasional typos. ``contexts=None`` means
    no context sentence at all (for messages where small talk would ring false)."""
    body = body.format_map(slots)
    parts = []
    if rng.random() < 0.45:
        greeting = rng.choice(GREETINGS)
        # "Hello, can you..." reads naturally; "Hello, Can you..." does not. Product names and
        # "I" keep their capital, so only ordinary sentence openers are lowered.
        if greeting[-1] == "," and body.split(" ", 1)[0] in _LOWERABLE:
            body = body[0].lower() + body[1:]
        parts.append(greeting)
    more = rng.random() < 0.35 and contexts is not None
    signoff = rng.random() < 0.2
    if (more or signoff) and body[-1] not in ".?!":
        body += "?" if body.startswith(QUESTION_WORDS) else "."
    parts.append(body)
    if more:
        pool = contexts if contexts and rng.random() < 0.7 else GENERIC_CONTEXT
        parts.append(rng.choice(pool).format_map(slots))
    if signoff:
        parts.append(rng.choice(SIGNOFFS).format_map(slots))
    return _typo(" ".join(parts), rng)
