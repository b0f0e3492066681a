"""Whether a fact in a sentence answers the question: of the wanted kind, and attached to what was asked.

"How old is the engineer" must not take another person's age, "how much did it cost" must not take an
amount that belongs to something else, "who runs Thermacore" must not answer "Thermacore", and an amount
someone would have to charge is no price. Each check lowers the fact's fit (0..1); the answerer declines
when nothing fits well enough.
"""

from __future__ import annotations

import re

from bot.extractive.facts import MONTH, PLACE_NOUNS, Fact, FactKind
from bot.extractive.lexicon import MONEY_OWNERS, related
from bot.extractive.question import Query, Question, Want
from bot.extractive.reading import Reading, Sentence, is_source, tokens
from bot.extractive.stemming import stem

_OTHER_OWNER = 0.6            # an amount owned by a money word the question does not ask about
_OTHER_THING = 0.35           # a count of something else, the age of someone else
_SOURCE = 0.4                 # a name that is only who is speaking
_FAR = 0.7                    # a fact far from the question's words
_NO_ANCHOR = 0.85             # none of the question's words in the sentence: the fact floats
_CLAUSE = 0.8                 # per clause boundary between the fact and the nearest question word
_PLACE_FOR_WHO = 0.5          # a place's name answering "who"
_ONE_WORD = 0.8               # a one-word name the article never uses again
_HYPOTHETICAL = 0.5           # "I'd have to charge $48": an amount nobody charges
_RELATIVE_DATE = 0.85         # "next weekend" or "November" says less than "November 14"

# Causal connectives: a sentence giving a reason usually has one.
# "after 14 years", "since 2019" and "were due to leave" say when, not why.
_NOT_CAUSE = r"(?<!is )(?<!are )(?<!was )(?<!were )(?<!be )"
_TEMPORAL = (r"(?! (?:about |nearly |more than )?(?:\d|the (?:end|start)|(?:an?|one|two|three|four|five|six|"
             r"seven|eight|nine|ten|several|many|a few) (?:years?|months?|weeks?|days?|hours?|decades?)\b))")
REASON_MARK = re.compile(rf"\b(?:because|{_NOT_CAUSE}due to|owing to|(?:since|after|following){_TEMPORAL}|amid|"
                         r"so that|in order to|caused by|causes?|led to|lead to|result(?:ed)? (?:of|from|in)|"
                         r"as a result|thanks to|blam\w+|citing|cited|reasons?|explain\w*|worried|concern\w*|"
                         r"fear\w*|came down to|driven by|"
                         r"to (?:avoid|protect|prevent|fund|pay|reduce|save|keep|stop))\b", re.I)
# Clause boundaries: a fact across one of these is said of something else.
_BOUNDARY = re.compile(r"[;:()—–]|,\s+(?:and|but|while|which|who|whose|where|though|although|because|so)\b|"
                       r"\b(?:but|while|whereas)\b|\band (?=\w+ed\b)")
_HYPOTHESIS = re.compile(r"\b(?:would|'d|’d|could|might) (?:have to|need to|be|cost|charge|pay)\b|\bif\b", re.I)
_NEGATED = re.compile(r"(?:n't|\bnot|\bnever)\W+(?:\w+\W+)?$", re.I)    # "this isn't a $48 fish stew town"
# Saying that nothing is known yet, or only on a condition: no yes or no can come from such a sentence.
_HEDGE = re.compile(r"\b(?:declined to|would not (?:say|comment|disclose)|did not (?:say|disclose|specify|"
                    r"comment)|(?:is|was|remains) (?:unclear|not known|unknown)|no decision|has not decided|"
                    r"have not decided|not yet (?:known|decided|clear)|if|unless|whether)\b", re.I)
_RELATIVE = re.compile(r"^(?:(?:last|next|this|in|by|until|since|from|on) )?(?:the )?(?:yesterday|today|"
                       r"tomorrow|tonight|week(?:end)?|month|year|season|spring|summer|autumn|winter|fall|"
                       r"[\w-]+ (?:days|weeks|months|years) (?:ago|later|earlier))", re.I)
_VAGUE = re.compile(rf"^(?:(?:in|by|until|since|from|early|late|mid)[ -])?(?:{MONTH}|\d{{4}})$", re.I)
# "four extra water stations" were added; how many there are in total, the sentence does not say.
_INCREMENT = frozenset(stem(w) for w in "more extra additional another further".split())
_TOTAL = frozenset({"total", "altogether", "there", stem("total")})


def hedged(text: str) -> bool:
    return bool(_HEDGE.search(text))


def _boundaries(sentence: Sentence, a: int, b: int) -> int:
    """Clause boundaries between two character offsets of the sentence."""
    lo, hi = min(a, b), max(a, b)
    return len(_BOUNDARY.findall(sentence.text[lo:hi]))


def _name_overlaps(fact: Fact, asked: frozenset[str], reading: Reading) -> bool:
    """A name that starts with the asker's own words ("Thermacore Home Products" for "who runs Thermacore"),
    once the title words before it ("Judge" of "Judge Martin Kroll") are set aside. Its last words may be
    asked: "Carlow State College" answers "where did he go to college"."""
    own = [t.stem for t in tokens(fact.text, reading.lang)]
    while len(own) > 1 and own[0] in asked and (own[0] in reading.common_stems or own[-1] in reading.people):
        own = own[1:]                            # "Governor Helen Marchetti" for "who's the governor"
    return bool(own) and own[0] in asked


def fact_fit(query: Query, sentence: Sentence, fact: Fact, reading: Reading, near: list[int]) -> float:
    """How well one fact answers the question, 0..1."""
    q, weights, asked = query.question, query.weights, query.asked
    fit = q.accepts().get(fact.kind, 0.0)
    if not fit:
        return 0.0
    own = [t.stem for t in tokens(fact.text, reading.lang)]
    if own and set(own) <= asked:
        return 0.0                               # the asker's own words are no answer
    if fact.kind in (FactKind.COUNT, FactKind.MEASURE) and q.about:
        about = set(fact.about).union(*(related(a) for a in fact.about))
        if not (q.about & about or _about(q.about, fact.about)):
            fit *= _OTHER_THING if fact.about else 0.6
        if about & _INCREMENT and _TOTAL & {*q.words, *query.asked}:
            fit *= _OTHER_THING                  # "four extra water stations" are not how many there are in all
    elif fact.kind is FactKind.MONEY:
        around = {t.stem for t in sentence.tokens if fact.start - 25 <= t.start < fact.end + 25}
        if any(not related(o) & set(weights) for o in around & MONEY_OWNERS - set(weights) - asked):
            fit *= _OTHER_OWNER                  # "revenue rose to $2.3 billion" for "how much did they lose"
    elif fact.kind is FactKind.AGE:
        whose = set(weights) | {r for t in weights for r in related(t)}
        if q.person_pronoun:
            whose |= {*reading.main_person, "he", "she"}     # "how old was he": "He was 88."
        whose |= {name for name, roles in reading.roles.items() if roles & set(weights)}
        fit *= 1.0 if whose & set(fact.about) else _OTHER_THING
    elif fact.kind is FactKind.DATE and (_RELATIVE.match(fact.text) or _VAGUE.match(fact.text)):
        fit *= _RELATIVE_DATE
    elif fact.kind in (FactKind.NAME, FactKind.PLACE):
        if q.want in (Want.PERSON, Want.ORGANISATION, Want.PLACE) and _name_overlaps(
                fact, asked | query.referred, reading):
            return 0.0                           # "it" is no answer to "who made it"
        fit *= _name_fit(q, sentence, fact, weights, reading)
    if _HYPOTHESIS.search(_clause(sentence.text, fact.start)) or _NEGATED.search(
            sentence.text[max(0, fact.start - 20):fact.start]):
        fit *= _HYPOTHETICAL
    return fit * _attachment(sentence, fact, near)


def _about(asked: frozenset[str], about: tuple[str, ...]) -> bool:
    return any(a == b or (len(a) >= 4 and b.startswith(a)) for a in asked for b in about)


def _name_fit(q: Question, sentence: Sentence, fact: Fact, weights: dict[str, float], reading: Reading) -> float:
    fit = 1.0
    if fact.kind is FactKind.PLACE:
        return fit
    if q.want is Want.PLACE and fact.text.split()[0][:1].isupper() and not any(
            sentence.text[max(0, fact.start - 6):fact.start].strip().endswith(p)
            for p in (" in", " at", " near", " to", " from")):
        fit *= 0.7
    own = [t.stem for t in tokens(fact.text, reading.lang)]
    if q.want in (Want.PERSON, Want.ORGANISATION):
        if re.search(r"\b(?:in|at|from|near|of)\s+(?:the\s+)?$", sentence.text[max(0, fact.start - 12):fact.start]) \
                or _PLACE_NAME.search(fact.text):
            fit *= _PLACE_FOR_WHO       # "from the village of Corley", "Mill Creek Road": a place, not who
        elif len(own) == 1 and reading.mentions[own[0]] <= 1:
            fit *= _ONE_WORD            # "Rookie winger Dario Penhallow": a capital that names nobody again
    roles = reading.roles.get(own[-1] if own else "", frozenset())
    if is_source(sentence, fact.start, fact.end) and not roles & set(weights):
        fit *= _SOURCE
    return fit


_PLACE_NAME = re.compile(rf"(?:^|\s)(?:{PLACE_NOUNS})(?:\s+\d+)?$", re.I)   # "Mill Creek Road", "Pier 4"


def _clause(text: str, at: int) -> str:
    """The clause of the sentence around character offset `at`."""
    cuts = [m.end() for m in _BOUNDARY.finditer(text) if m.end() <= at] + [0]
    ends = [m.start() for m in _BOUNDARY.finditer(text) if m.start() >= at] + [len(text)]
    return text[max(cuts):min(ends)]


def _attachment(sentence: Sentence, fact: Fact, near: list[int]) -> float:
    """1.0 next to the question's words, less as the fact floats away or across clause boundaries."""
    at = [i for i, t in enumerate(sentence.tokens) if fact.start <= t.start < fact.end]
    if not near:
        return _NO_ANCHOR               # none of the question's words is there to hold on to
    if not at:
        return 1.0
    i, j = min(((i, j) for i in near for j in at), key=lambda p: abs(p[0] - p[1]))
    fit = max(_FAR, 1.0 - 0.03 * max(0, abs(i - j) - 3))
    if fact.kind is not FactKind.AGE:   # "Lindgren, 49,": an age hangs on its name across the comma
        fit *= _CLAUSE ** _boundaries(sentence, sentence.tokens[i].start, sentence.tokens[j].start)
    return fit
