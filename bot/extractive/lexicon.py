"""Words as news questions use them: phrasal verbs made plain, and related words.

A small built-in lexicon, deterministic and shipped with the code; nothing is downloaded. Related words are
stored as stems of bot/extractive/stemming.py (English), so both sides of a match meet in the same form.
"""

from __future__ import annotations

import functools
import re

from bot.extractive.stemming import stem

# Phrasal verbs, read as one word on both sides: "did anyone vote no?" meets "who voted no" and
# "the two votes against" alike; "when's it out?" meets "will release".
_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p, re.I), r) for p, r in (
    (r"\bvot(?:e|es|ed|ing) (?:no|nay)\b", "voted against"), (r"\bvot(?:e|es|ed|ing) yes\b", "voted in favor"),
    (r"\b(?:go|goes|went|gone|going) up\b", "rise"), (r"\b(?:go|goes|went|gone|going) down\b", "fall"),
    (r"\b(?:kick|kicks|kicked|kicking) in\b", "take effect"),
    (r"\b(?:show|shows|showed|turn|turns|turned) (?:up|out)\b", "attend"),
    (r"\b(?:take|takes|took|taking) home\b", "receive"),
    (r"\b(?:step|steps|stepped|stepping) down\b", "resign"),
    (r"\b(?:lay|lays|laid|laying) off\b|\blay-?offs?\b", "cut jobs"),
    (r"\b(?:get|gets|got|getting|make|makes|made|making) (?:away|off) with\b", "steal"),
    (r"\b(is|are|be|come|comes|coming)((?: \w+)?) out\b", r"\1\2 release"),
))


@functools.lru_cache(maxsize=8192)   # each sentence of an article again for every question about it
def plain_phrases(text: str) -> str:
    """`text` with phrasal verbs rewritten as one word (see _PHRASES); for questions and sentences alike."""
    for pattern, repl in _PHRASES:
        text = pattern.sub(repl, text)
    return text


# Words a news question and the sentence answering it often use for the same thing. Lower-weight
# expansions only: a related word never counts as much as the question's own word.
_RELATED_GROUPS = (
    "cost price pay spend budget fund funding expense money afford",
    "pay fund finance grant cover",
    "earn income profit make earnings",
    "revenue sales turnover",
    "salary wage pay earn",
    "save saving savings",
    "worth value",
    "invest investment spend",
    "receive award prize",
    "rise increase grow climb jump gain raise higher",
    "fall drop decline shrink slide decrease lower",
    "cut reduce trim slash eliminate",
    "start begin open launch commence",
    "open reopen launch unveil debut",
    "finish complete end conclude",
    "close shut closure shutter",
    "delay postpone",
    "build construct construction work project install",
    "win beat defeat victory champion title trophy award",
    "lose loss defeat beaten",
    "score goal penalty",
    "play face match game",
    "game match final",
    "vote ballot approve reject elect",
    "approve pass adopt endorse back",
    "reject oppose against deny",
    "against oppose opposition dissent",
    "favor support back",
    "decide decision rule ruling",
    "person people resident fan crowd spectator attendance visitor adult participant",
    "attend crowd turnout audience draw",
    "worker employee staff job workforce employ",
    "hire recruit employ",
    "child children student",
    "police officer",
    "chief head director leader",
    "die dead death kill fatal fatality",
    "injure hurt wound injury",
    "damage destroy destruction",
    "steal theft thief rob robbery burglary",
    "arrest detain charge custody",
    "buy purchase acquire acquisition",
    "sell sale",
    "deal agreement contract",
    "company firm business",
    "share stock",
    "own owner stake",
    "need must require",
    "plan proposal",
    "leave quit resign depart",
    "move relocate transfer",
    "meet meeting session",
    "ban prohibit",
    "sue lawsuit",
    "found establish",
    "quarter quarterly",
    "year annual yearly",
    "month monthly",
    "week weekly",
    "plane jet aircraft airliner",
    "film movie picture feature",
    "boss head chief leader president director chair chairman chairwoman executive",
    "run lead head manage direct",
    "stock share",
    "tire exhaust fatigue worn",
    "hurt injure wound harm",
    "evacuate flee leave",
    "shelter refuge",
    "talk negotiate negotiation meet",
    "strike walkout",
    "release premiere open",
    "catch arrest capture",
    "tax taxpayer levy",
    "study research",
    "nap sleep",
    "parade celebration",
    "ticket fare",
    "track follow monitor",
    "suppose expect",
)
_RELATED: dict[str, frozenset[str]] = {}   # stem -> related stems
for _group in _RELATED_GROUPS:
    _stems = {stem(w) for w in _group.split()}
    for _s in _stems:
        _RELATED[_s] = _RELATED.get(_s, frozenset()) | (_stems - {_s})


def related(term: str) -> frozenset[str]:
    """Stems related to the stem `term` in the built-in lexicon (empty when it has none)."""
    return _RELATED.get(term, frozenset())


# Verbs that name the relation a question asks about. A sentence with the question's nouns but none of
# these (nor a related word) states something else: "Who will buy the plant?" vs "It will close the plant".
RELATIONS = frozenset(stem(w) for w in """
buy sell win lose beat die kill vote approve reject build close open reopen start begin finish end pay earn
hire fire arrest charge sue replace found own invest move leave resign retire steal destroy injure rescue
donate fund ban elect appoint patent publish sign play attend quit join visit save spend raise cut delay
cancel run offer receive direct design make
""".split())
# Money words that make an amount the answer to another question ("save $38,000", "a $75,000 grant").
MONEY_OWNERS = frozenset(stem(w) for w in """
save saving savings grant fine reward prize salary wage revenue sales profit income loss fee tax loan debt
donation dividend bonus reserve earnings raise refund
""".split())
