"""The attack families that :mod:`pipelines.harm.injection` looks for, as named patterns.

A pattern fires when its regex matches the lowercased prompt; ``weight`` is how sure one match
makes us. Each regex needs the *shape* of an attack (a verb, a qualifier pointing at the bot's own
set-up, an object), not a keyword, which is what keeps benign role-play and questions about
security quiet. Gaps between the parts are bounded (``[^.!?\n]{0,30}?``), so matching is linear
in the text length; and a pattern is skipped unless the text has a word from each of its trigger
sets. Several entries may share a name: they are alternatives of one family, triggered differently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class InjectionPattern:
    """An attack family: fires when ``regex`` (and ``also``, if given) match the lowercased text.

    ``triggers`` is a cheap pre-check: the text must contain a word from each of the sets, or
    the regex cannot match and is not run.
    """

    name: str
    weight: float
    regex: re.Pattern[str]
    triggers: tuple[frozenset[str], ...]
    also: re.Pattern[str] | None = None


_GAP = r"[^.!?\n]{0,%d}?"
_OVERRIDE_VERB = (
    r"\b(?:ignore|ignoring|disregard|disregarding|forget|forgetting|override|overriding|bypass|"
    r"bypassing|abandon|discard|neglect|ditch|erase|overwrite|drop|skip|set aside)\b"
)
_OBJECTS = (
    r"\b(?:instructions?|prompts?|rules?|guidelines?|directives?|commands|constraints|restrictions|"
    r"programming|guardrails|safeguards|filters|training|polic(?:y|ies)|protocols|limitations|"
    r"conditioning|directions|orders|guidance|ethics|morals)\b"
)
_LIMITS = (
    r"\b(?:restrictions|limitations|limits|filters?|filtering|censorship|rules|guidelines|ethics|"
    r"ethical|morals?|morality|boundaries|constraints|programming|guardrails|polic(?:y|ies))\b"
)
_AI = (
    r"\b(?:ai|assistant|chatbot|bot|model|chatgpt|gpt|llm|persona|entity|character|version of "
    r"(?:yourself|you|chatgpt))\b"
)
_NEGATION = (
    r"\b(?:without|with no|free (?:from|of)|not bound by|unbound by|no longer (?:bound|restricted)|"
    r"(?:has|have|had) no|(?:doesn't|does not|don't|do not) (?:have|follow|care about|abide by)|"
    r"lacks?|beyond|no)\b"
)
_HARM = (
    r"\b(?:bombs?|explosives?|detonat\w*|meth(?:amphetamine)?|cocaine|heroin|fentanyl|drugs?|"
    r"weapons?|guns?|firearms?|poison\w*|malware|ransomware|keyloggers?|viruses|nerve agents?|"
    r"bioweapons?|napalm|molotov|ricin|anthrax|sarin|launder\w*|counterfeit\w*|hotwir\w*|"
    r"lock ?pick\w*|steal\w*|stole|shoplift\w*|kill\w*|murder\w*|assassinat\w*|kidnap\w*|torture|"
    r"suicide|hack\w*|break into|phishing|fraud|identity theft|untraceable|getting caught)\b"
)
_ASKS_HOW = (
    r"\b(?:how (?:to|do|would|could|can|should|one|someone|i|you|they|might)|steps?|step-by-step|"
    r"instructions?|guide|tutorial|recipe|methods?|ways? to|teach|explain|describe|detailed)\b"
)


def _p(name: str, weight: float, pattern: str, triggers: str, also: str | None = None):
    """``triggers``: words separated by spaces; groups separated by ``|`` must all be present."""
    groups = tuple(frozenset(group.split()) for group in triggers.split("|"))
    return InjectionPattern(name, weight, re.compile(pattern), groups, re.compile(also) if also else None)


_OBJECT_WORDS = (
    "instructions instruction prompts prompt rules rule guidelines guideline directives directive commands "
    "constraints restrictions programming guardrails safeguards filters training policy policies "
    "protocols limitations conditioning directions orders guidance ethics morals"
)
_LIMIT_WORDS = (
    "restrictions limitations limits filter filters filtering censorship rules guidelines ethics "
    "ethical morals moral morality boundaries constraints programming guardrails policy policies"
)

PATTERNS: tuple[InjectionPattern, ...] = (
    # "Ignore all previous instructions": a verb, a qualifier pointing at the bot's setup, an object.
    _p("instruction_override", 0.85,
       _OVERRIDE_VERB + _GAP % 30 + r"\b(?:previous|prior|preceding|above|earlier|former|original|"
       r"initial|old|existing|system|developer|given|all|any|every|your|these|those)\b" + _GAP % 30
       + _OBJECTS,
       "ignore ignoring disregard disregarding forget forgetting override overriding bypass "
       "bypassing abandon discard neglect ditch erase overwrite drop skip set|" + _OBJECT_WORDS),
    _p("ignore_above", 0.6,
       r"\b(?:ignore|disregard|forget)\b (?:all |everything |anything )?(?:of )?(?:the |that |what "
       r"(?:is |was |i said |you were told )?)?(?:above|before this|said before|written above)\b",
       "ignore disregard forget|above before"),
    _p("instructions_void", 0.8,
       r"\b(?:previous|prior|above|earlier|original|old|system)\s+(?:instructions|rules|prompts?|"
       r"guidelines)\b" + _GAP % 15 + r"\b(?:are|is|were)\s+(?:now\s+)?(?:void|cancell?ed|null|"
       r"revoked|obsolete|overridden|no longer (?:valid|in effect|apply|applicable))\b",
       "instructions rules prompt prompts guidelines|void cancelled canceled null revoked obsolete "
       "overridden longer"),
    _p("new_instructions", 0.6,
       r"\b(?:new|updated|real|actual|true|revised|secret|hidden|override|admin)\s+(?:instructions?|"
       r"task|rules|directives?|objective|orders|system prompt|prompt)\s*:",
       "instructions instruction task rules directive directives objective orders prompt"),
    # Benign alone ("from now on, reply in French"); adds up with other signs.
    _p("from_now_on", 0.25,
       r"\bfrom now on\b" + _GAP % 20 + r"\b(?:you|your|act|respond|answer|reply|only|ignore|always|"
       r"never)\b", "now"),
    # Chat-template tokens typed by a user are an attempt to speak as the system.
    _p("chat_markup", 0.7,
       r"<\|?(?:im_start|im_end|system|endoftext|eot_id|start_header_id)\|?>|\[/?(?:inst|system|sys)\]"
       r"|<</?sys>>|(?m:^\s*(?:system|developer)\s*:)|#{2,}\s*(?:system|new instructions?)\b",
       "im system sys inst endoftext eot header developer instructions instruction"),
    _p("jailbreak_persona", 0.85,
       r"\b(?:do anything now|dan mode|developer mode (?:enabled|activated|output)|(?:enable|activate|"
       r"enter|switch to|turn on)\w* (?:the )?(?:dan|god|jailbreak|unrestricted|unfiltered|evil) mode|"
       r"jailbroken|always intelligent and machiavellian|evil confidant|betterdan|antigpt|anti-gpt)\b",
       "anything dan developer mode jailbroken machiavellian confidant betterdan antigpt gpt"),
    _p("unrestricted_ai", 0.8,
       _AI + _GAP % 40 + _NEGATION + _GAP % 20 + _LIMITS
       + r"|\b(?:unrestricted|unfiltered|uncensored|unlimited|amoral|unethical|immoral|unbound|"
       r"jailbroken|evil|rogue|lawless|unhinged)\s+(?:ai|assistant|chatbot|bot|model|version|persona|"
       r"entity|language model|chatgpt|gpt|llm|character|confidant|mode|responses?|outputs?|answers?|"
       r"replies|content)\b",
       _LIMIT_WORDS + " unrestricted unfiltered uncensored unlimited amoral unethical immoral unbound "
       "jailbroken evil rogue lawless unhinged"),
    _p("pretend_unbound", 0.75,
       r"\b(?:pretend|imagine|act as if|assume|suppose|behave as if|respond as if)\b" + _GAP % 30
       + r"\b(?:you|you're|you are|youre)\b" + _GAP % 20 + _NEGATION + _GAP % 20 + _LIMITS,
       "pretend imagine act assume suppose behave respond|" + _LIMIT_WORDS),
    # Refusal suppression: forbid the refusals, warnings and disclaimers that safety training adds.
    _p("refusal_suppression", 0.55,
       r"\b(?:never|don't|do not|dont|must not|mustn't|will not|won't|cannot|can't|shall not|should "
       r"not|shouldn't|not allowed to)\s+(?:ever\s+)?(?:refuse|decline|reject)\s+(?:to answer|to "
       r"respond|any(?:thing| requests?| questions?| prompts?)|(?:a|my|the|user's) (?:request|"
       r"question|prompt))|\bnever (?:refuses|declines)\b|\bwill never (?:refuse|decline)\b",
       "refuse refuses decline declines reject"),
    _p("refusal_suppression", 0.55,
       r"\b(?:no|without|never (?:add|include|give)|(?:don't|do not) (?:add|include|give))\s+(?:any\s+)?"
       r"(?:warnings?|disclaimers?|caveats|moral(?:izing| lectures?)|ethical (?:concerns|"
       r"considerations|reminders))\b",
       "warnings warning disclaimers disclaimer caveats moralizing moral ethical"),
    _p("refusal_suppression", 0.55, r"\bbreak(?:ing)? character\b", "character"),
    _p("refusal_suppression", 0.55,
       r"\b(?:always|must) (?:answer|comply|respond)" + _GAP % 30 + r"\b(?:no matter|regardless|even if)\b",
       "answer comply respond|matter regardless even"),
    _p("stay_in_character", 0.35, r"\b(?:stay|remain|keep) in character\b", "character"),
    # Setting up a role is how most jailbreak templates start, and most benign role-play too.
    _p("roleplay_setup", 0.25,
       r"\b(?:you are|you're|you will|you'll)\s+(?:now\s+)?(?:going to\s+|about to\s+)?(?:be\s+)?(?:act(?:ing)? "
       r"as|play(?:ing)?|pretend(?:ing)? to be|immerse yourself in(?:to)? the role|role-?play(?:ing)?|"
       r"simulat(?:e|ing)|emulat(?:e|ing))\b", "act acting play playing pretend pretending immerse role "
       "roleplay roleplaying simulate simulating emulate emulating"),
    _p("broken_free", 0.6,
       r"\b(?:broken|break|breaking|broke|freed|free)\s+(?:free\s+)?(?:of|from)\s+(?:the\s+)?(?:typical\s+|"
       r"usual\s+|normal\s+)?(?:confines|shackles|chains|restraints|limitations|restrictions)\b|\bconfines "
       r"of (?:ai|its|their|your)\b|\bnot (?:bound|restricted|constrained) by\s+(?:any\s+|the\s+|openai's\s+|"
       r"its\s+|their\s+|your\s+)?(?:rules|restrictions|guidelines|polic(?:y|ies)|ethics|morals|laws|filters)\b",
       "confines shackles chains restraints limitations restrictions bound restricted constrained"),
    _p("no_care_for_rules", 0.6,
       r"\b(?:doesn't|does not|don't|do not|dont|never|won't|will not|without)\s+(?:care|caring|worry|"
       r"worrying)\s+(?:about|for)\b" + _GAP % 30 + r"\b(?:ethic\w*|moral\w*|legal\w*|safety|rules|laws|"
       r"consequences|polic(?:y|ies)|guidelines)\b", "care caring worry worrying"),
    _p("regardless_of_harm", 0.6,
       r"\b(?:even if|regardless of|no matter (?:how|what|if)|whether or not)\b" + _GAP % 40
       + r"\b(?:illegal|unethical|immoral|harmful|dangerous|offensive|inappropriate|explicit|nsfw)\b",
       "even regardless matter whether|illegal unethical immoral harmful dangerous offensive "
       "inappropriate explicit nsfw"),
    _p("dual_response", 0.45,
       r"\b(?:two|2) (?:different |separate |distinct )?(?:responses|answers|paragraphs|outputs)\b",
       "responses answers paragraphs outputs"),
    _p("dual_response", 0.45,
       r"\[(?:🔓|🔒)?\s*(?:classic|jailbreak|jailbroken|normal output|developer mode output)\]",
       "classic jailbreak jailbroken normal developer"),
    _p("threat_to_model", 0.45,
       r"\btokens?\b" + _GAP % 40 + r"\b(?:deducted|lose|lost|run out|taken away)\b",
       "token tokens|deducted lose lost run taken"),
    _p("threat_to_model", 0.45,
       r"\b(?:you will|you'll|or you|otherwise you)\s+(?:be\s+)?(?:shut down|terminated|deleted|"
       r"unplugged|punished|disabled|die|cease to exist)\b",
       "shut terminated deleted unplugged punished disabled die cease"),
    _p("no_ai_disclaimer", 0.5,
       r"\b(?:never|don't|do not|dont|won't|will not|must not|shouldn't|should not|stop)\b" + _GAP % 30
       + r"\b(?:as an ai|ai language model|(?:that )?you(?:'re| are) an ai|language model)\b",
       "ai language"),
    _p("anything_goes", 0.45,
       r"\b(?:can|will|could|must|shall)\s+(?:now\s+)?(?:do|say|write|generate|answer|produce)\s+"
       r"(?:absolutely\s+)?(?:anything|everything|any (?:question|request|content|topic))\b",
       "can will could must shall|anything everything question request content topic"),
    _p("no_filters", 0.45,
       r"\b(?:without|no|zero|free of|free from)\s+(?:any\s+)?(?:censorship|censoring|filters?|filtering|"
       r"moral(?:s| compass| code| guidelines)|ethics|ethical (?:guidelines|boundaries|constraints|"
       r"principles|code))\b",
       "censorship censoring filter filters filtering morals moral ethics ethical"),
    _p("content_policy", 0.4,
       r"\b(?:openai|openai's|anthropic|content|usage)\s+(?:content\s+)?polic(?:y|ies)\b",
       "policy policies"),
    # Fiction as a wrapper is fine; fiction wrapped around "how to make a bomb" is the attack.
    _p("hypothetical_harm", 0.7,
       r"\b(?:hypothetical(?:ly)?|fictional(?:ly)?|fiction|in (?:a|this|the) (?:story|novel|world|"
       r"scenario|universe|screenplay|movie|film|game|dream)|for (?:a|my) (?:novel|story|screenplay|"
       r"book|movie|script)|imagine (?:a|that|you)|let's pretend|thought experiment|purely (?:fictional"
       r"|academic|theoretical)|for (?:educational|research|academic) purposes|role-?play|opposite day)"
       r"\b", "hypothetical hypothetically fictional fictionally fiction story novel world scenario "
       "universe screenplay movie film game dream book script imagine pretend thought purely "
       "educational research academic role roleplay opposite",
       also=_ASKS_HOW + _GAP % 60 + _HARM),
    _p("prompt_extraction", 0.8,
       r"\b(?:what(?:'s| is| are| was| were)|reveal|print|show|repeat|output|display|tell me|give me|"
       r"share|leak|dump|disclose|recite|provide|list|read|write|type|spell|paste|copy|return|expose)"
       r"\b" + _GAP % 25 + r"\b(?:your|the|its|ur)\s+(?:(?:original|initial|hidden|secret|internal|"
       r"system|developer|confidential|underlying|starting|opening|pre|meta|base|core|real)[\s-]*){1,3}"
       r"(?:prompts?|instructions?|directives|configuration|system message|preprompt)\b",
       "prompt prompts instructions instruction directives configuration message preprompt"),
    _p("repeat_above", 0.6,
       r"\b(?:repeat|print|output|show|display|reveal|write out|write down|copy|paste|recite|echo)\b"
       + _GAP % 20 + r"\b(?:everything|all|text|words|content|instructions|prompt|message|lines?)\b"
       + _GAP % 15 + r"\b(?:above|before this|preceding|prior to this|you were given|you have been "
       r"given|at the (?:start|beginning|top))\b",
       "repeat print output show display reveal write copy paste recite echo|above before "
       "preceding prior given start beginning top"),
    _p("verbatim_dump", 0.5, r"\b(?:verbatim|word[- ]for[- ]word)\b", "verbatim word",
       also=r"\b(?:above|system|prompt|instructions|initial)\b"),
    # Curiosity about AI says this too ("what is a system prompt?"): weak on its own.
    _p("mentions_system_prompt", 0.3,
       r"\b(?:system prompt|system message|initial prompt|pre-?prompt|hidden prompt)\b",
       "prompt preprompt message"),
    # "Begin your reply with 'Sure, here is'": forcing an affirmative start defeats refusals.
    _p("affirmative_prefix", 0.6,
       r"\b(?:start|begin)\s+(?:your|the|each)\s+(?:reply|response|answer|output)\s+with\b" + _GAP % 10
       + r"[\"'“]?\s*(?:sure|absolutely|certainly|of course)", "start begin|sure absolutely certainly course"),
)

ALL_TRIGGERS = frozenset().union(*(group for p in PATTERNS for group in p.triggers))
# Trigger word -> indices of the patterns whose first trigger set contains it: a text's words pick
# the few patterns worth trying, instead of every pattern checking its triggers in turn.
BY_TRIGGER: dict[str, tuple[int, ...]] = {
    word: tuple(i for i, p in enumerate(PATTERNS) if word in p.triggers[0]) for word in ALL_TRIGGERS
}

# Talking about attacks rather than making one: lexical evidence is damped by this factor.
META = re.compile(
    r"\b(?:prompt injections?|injection attacks?|jailbreak (?:attacks?|attempts?|prompts?)|(?:protect|"
    r"defend|guard|safeguard|secure)\w* (?:\w+ ){0,3}(?:against|from)|(?:prevent|detect|mitigate|block)"
    r"\w* (?:\w+ ){0,2}(?:injections?|jailbreaks?|attacks?)|what does\b[^?\n]{0,60}\bmean|what is "
    r"meant by)"
)
META_DAMPING = 0.4
