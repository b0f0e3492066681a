"""Words as news questions use them: chat spellings and phrasal verbs made plain, related words, names
and the relation a question asks about ("who will *buy* it?").

A small built-in lexicon, rule-based and deterministic like bot/extractive/text.py; nothing is downloaded.
Used by bot/extractive/cues.py and the extractive answerer to match paraphrased questions.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection

from bench.baseline_answerer.text import STOPWORDS, stem, words

# --- the question, in the article's words ----------------------------------------------------------

# Chat spellings, contractions and abbreviations, read as the words an article would use:
# "what's the CFO gonna get?" is matched like "what is the chief financial officer going to get?".
_CHAT: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p, re.I), r) for p, r in (
    (r"\b(what|who|when|where|how|why|which|that|it|there|here)['’]s\b", r"\1 is"),
    (r"\b(you|we|they|who|what)['’]re\b", r"\1 are"),
    (r"\b(it|they|we|who|what|that)['’]ll\b", r"\1 will"),
    (r"\bgonna\b", "going to"), (r"\bwanna\b", "want to"), (r"\bain['’]t\b", "is not"),
    (r"\bceo\b", "chief executive"), (r"\bcfo\b", "chief financial officer"),
    (r"\bcoo\b", "chief operating officer"), (r"\bref\b", "referee"), (r"\bcops\b", "police"),
    (r"\bkids\b", "children"), (r"\bpct\b", "percent"),
    (r"(\bhow much\b.*?)\b(?:get|gets|got|getting)\b", r"\1receive"),   # "how much did the winners get?"
))
# Phrasal verbs, read as one word on both sides: "did anyone vote no?" meets "who voted no" and
# "the two votes against" alike.
_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p, re.I), r) for p, r in (
    (r"\bvot(?:e|es|ed|ing) (?:no|nay)\b", "voted against"), (r"\bvot(?:e|es|ed|ing) yes\b", "voted in favor"),
    (r"\b(?:go|goes|went|gone|going) up\b", "rise"), (r"\b(?:go|goes|went|gone|going) down\b", "fall"),
    (r"\b(?:kick|kicks|kicked|kicking) in\b", "take effect"),
    (r"\b(?:show|shows|showed|turn|turns|turned) (?:up|out)\b", "attend"),
    (r"\b(?:take|takes|took|taking) home\b", "receive"),
    (r"\b(?:step|steps|stepped|stepping) down\b", "resign"),
    (r"\b(?:lay|lays|laid|laying) off\b|\blay-?offs?\b", "cut jobs"),
))


@functools.lru_cache(maxsize=4096)   # each sentence of an article again for every question about it
def plain_phrases(text: str) -> str:
    """`text` with phrasal verbs rewritten as one word (see _PHRASES); for questions and sentences alike."""
    for pattern, repl in _PHRASES:
        text = pattern.sub(repl, text)
    return text


@functools.lru_cache(maxsize=1024)   # asked again for every sentence a question is scored against
def plain_question(question: str) -> str:
    """The question with chat spellings, abbreviations and phrasal verbs rewritten (_CHAT, _PHRASES)."""
    for pattern, repl in _CHAT:
        question = pattern.sub(repl, question)
    return plain_phrases(question)


_NAME_RUN = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*")


def name_runs(question: str) -> list[list[str]]:
    """The question's capitalised names as runs of stems ("Carver Falls plant" -> [["carv", "fall"]]).

    The question's first word is capitalised anyway and is not taken for a name.
    """
    out = []
    for m in _NAME_RUN.finditer(question):
        text = m.group(0)
        if m.start() == len(question) - len(question.lstrip()):
            text = text.partition(" ")[2]
        toks = [stem(w) for w in words(text) if w not in STOPWORDS and not w[0].isdigit()]
        if toks:
            out.append(toks)
    return out



# --- related words ---------------------------------------------------------------------------------

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
    "win beat defeat victory champion title trophy",
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
    "person people resident fan crowd spectator attendance visitor",
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
_RELATIONS = frozenset(stem(w) for w in """
buy sell win lose beat die kill vote approve reject build close open reopen start begin finish end pay earn
hire fire arrest charge sue replace found own invest move leave resign retire steal destroy injure rescue
donate fund ban elect appoint patent publish sign play attend quit join visit save spend raise cut delay
cancel run offer receive
""".split())


_DETERMINERS = frozenset("the a an its their his her this that our my your whose".split())
_NOUN_MODIFIERS = frozenset("later earlier new first last final next planned proposed official early late main".split())


def relations(question: str, exclude: Collection[str] = ()) -> list[str]:
    """The relation verbs of `question` (a plain_question) as stems, except those in `exclude` (the words
    the asked-for fact stands for, like "cost" in "how much will it cost?").

    A word used as a noun ("the later start", "its close") names a thing, not the relation asked about.
    """
    toks = words(question)
    out = []
    for i, tok in enumerate(toks):
        t = stem(tok)
        if t not in _RELATIONS or t in exclude or tok in STOPWORDS:
            continue
        prev, prev2 = (toks[i - 1] if i else ""), (toks[i - 2] if i > 1 else "")
        if prev in _DETERMINERS or (prev in _NOUN_MODIFIERS and prev2 in _DETERMINERS):
            continue
        out.append(t)
    return out


def states_relation(relation: str, tokens: Collection[str], asked: Collection[str] = ()) -> bool:
    """Whether a sentence with these stems states `relation` or a related verb, not counting words that
    stand for other question terms (`asked`): "champions" does not state "win" in "who will win the
    Champions Cup?"."""
    return relation in tokens or any(r in tokens and r not in asked for r in related(relation))
