"""The built-in question answerer used without an API key: the fact, the sentence that states it, or an
honest "I couldn't find that".

How a question is answered:
1. The question is read as an article would word it (bot/extractive/chat.py: contractions, chat spellings,
   filler, typos fixed against the article's vocabulary) and analysed (bot/extractive/question.py): what it
   wants (a number, money, a date, a person...) and its content words as Snowball stems.
2. Every sentence is scored by how much of the question's words it covers (IDF-weighted; related words and
   abbreviations count less; words of the sentence before count a little, as they often carry the subject),
   times how well its best candidate answer of the wanted kind fits (bot/extractive/facts.py): next to the
   question's words, counting what was asked ("37 of the planes" for "how many planes"), the age of whom
   was asked, a name that is not the one speaking.
3. The best sentence answers when its score clears ABSTAIN_THRESHOLD: the fact first, then the sentence
   ("37 — The airline has 37 of the planes..."), the sentence as the verified quote. Otherwise the answer
   says it couldn't find it and may show the closest passage. The built-in answerer never says "the article
   doesn't say": it cannot be sure of that.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.articles.model import Article
from bot.extractive.chat import casual_to_plain
from bot.extractive.facts import Fact, FactKind
from bot.extractive.lexicon import MONEY_OWNERS, RELATIONS, related
from bot.extractive.question import TYPE_TERMS, Question, Want, analyse
from bot.extractive.reading import STOP, Reading, Sentence, is_source, read, tokens
from bot.extractive.summarizer import NAME, other_language
from bot.llm.base import Answer, Quote, Turn

logger = logging.getLogger(__name__)

NOT_FOUND = "I couldn't find that in the article."
ANSWER_TRANSLATION_NOTE = "Answer is in the article's language; translation needs an LLM."

# Abstain below this score. Tuned on the tune half of tests/fixtures/casual only (see bench/ask.py).
ABSTAIN_THRESHOLD = 0.55
CLOSEST_FLOOR = 0.25          # below this, no "closest passage" either: nothing in the article is related
_RELATED_CREDIT = 0.6         # a related word for a question word
_PREFIX_CREDIT = 0.8          # "refurb" for "refurbishing"
_CONTEXT_CREDIT = 0.35        # a question word found only in the sentence before
_PRONOUN_CREDIT = 0.8         # ...when this sentence starts with "It", "He", "They": it is about the same thing
_TYPED_CREDIT = 0.8           # "cost", "score", "date": a fact of the wanted kind stands for the word
_ABSENT = 0.85                # per question word the article never uses (after typo fixing)
_NO_FACT = 0.3                # a sentence without any fact of the wanted kind
_FAR = 0.7                    # a fact far from the question's words (or with none of them in the sentence)
_NO_ANCHOR = 0.85             # ...none of the question's words in the sentence: the fact floats
_LEAD_BONUS = 0.05            # news puts the main facts in its first sentence
_SUBJECT_WEIGHT = 0.1        # "it", "they", "he": the weight of each of the main subject's words
_RELATION_MISSING = 0.75      # the question's nouns, but not its verb ("close" the plant, not "buy" it)
_OTHER_OWNER = 0.8            # an amount owned by a money word the question does not ask about
_OTHER_THING = 0.35           # a count of something else, the age of someone else
_SOURCE = 0.4                 # a name that is only who is speaking
_NO_REASON_MARK = 0.6         # a "why" answered by a sentence without because, after, due to...
_HEADING = 0.8                # a headline is a fragment, not a statement
# Causal connectives: a sentence giving a reason usually has one.
_REASON_MARK = re.compile(r"\b(?:because|due to|owing to|since|after|following|amid|so that|in order to|"
                          r"caused by|causes?|led to|lead to|result(?:ed)? (?:of|from|in)|as a result|thanks to|"
                          r"blam\w+|citing|cited|reasons?|explain\w*|worried|concern\w*|fear\w*|came down to|"
                          r"driven by|to (?:avoid|protect|prevent|fund|pay|reduce|save|keep|stop)|when)\b", re.I)
_PRONOUN_START = re.compile(r"^\W*(?:it|its|he|his|she|her|they|their|this|that|these|those|the \w+)\b", re.I)
_NEGATION = re.compile(r"\b(?:not|no|never|none|nobody|nothing|neither|nor|without|n't)\b|n't\b", re.I)


@dataclass(slots=True)
class _Scored:
    score: float
    sentence: Sentence
    fact: Fact | None


def _plain_words(question: str, reading: Reading) -> list[str]:
    return casual_to_plain(question, reading.vocabulary, reading.stems, reading.lang)


def _query(question: str, history: Sequence[Turn], reading: Reading) -> tuple[Question, dict[str, float]]:
    """The analysed question and the weight of each of its stems (previous turn's words weigh less)."""
    q = analyse(_plain_words(question, reading))
    weights = {t: 1.0 for t in q.terms}
    if history and (len(q.terms) <= 1 or q.person_pronoun or q.thing_pronoun):
        prev = analyse(_plain_words(history[-1][0], reading))
        for t in prev.terms:
            weights.setdefault(t, 0.6)
    if not weights and q.accepts() and set(q.words) & {"it", "its", "they", "them", "their", "he", "she", "his",
                                                        "her"}:
        weights = {t: 0.8 for t in reading.subject}   # "when's it out?": the article's subject is asked about
    elif q.terms and (q.person_pronoun or q.thing_pronoun):   # "he", "it", "they": the main person or subject
        for t in (reading.main_person if q.person_pronoun and reading.main_person else reading.subject):
            weights.setdefault(t, _SUBJECT_WEIGHT)
    return q, weights


def _match(term: str, stems: frozenset[str]) -> float:
    if term in stems:
        return 1.0
    if len(term) >= 4 and any(s.startswith(term) for s in stems if len(s) > len(term) + 1):
        return _PREFIX_CREDIT
    if related(term) & stems:
        return _RELATED_CREDIT
    return 0.0


def _positions(sentence: Sentence, terms: dict[str, float]) -> list[int]:
    """Token positions of the sentence where a question word (or a related word) stands."""
    rel = set(terms).union(*(related(t) for t in terms))
    return [i for i, t in enumerate(sentence.tokens) if t.stem in rel]


def _fact_fit(q: Question, sentence: Sentence, fact: Fact, weights: dict[str, float], reading: Reading,
              asked: frozenset[str], near: list[int]) -> float:
    """How well one fact answers the question, 0..1."""
    kinds = q.accepts()
    fit = kinds.get(fact.kind, 0.0)
    if not fit:
        return 0.0
    own = [t.stem for t in tokens(fact.text, reading.lang)]
    if own and set(own) <= asked:
        return 0.0                               # the asker's own words are no answer
    if fact.kind in (FactKind.COUNT, FactKind.MEASURE) and q.about:
        about = set(fact.about).union(*(related(a) for a in fact.about))
        fit *= 1.0 if q.about & about or any(_match(a, frozenset(fact.about)) for a in q.about) else (
            _OTHER_THING if fact.about else 0.6)
    elif fact.kind is FactKind.MONEY:
        around = {t.stem for t in sentence.tokens if fact.start - 25 <= t.start < fact.end + 25}
        if around & MONEY_OWNERS - set(weights) - asked:
            fit *= _OTHER_OWNER
    elif fact.kind is FactKind.AGE:
        whose = set(weights) | {r for t in weights for r in related(t)}
        if q.person_pronoun:
            whose |= set(reading.main_person)
        whose |= {name for name, roles in reading.roles.items() if roles & set(weights)}
        fit *= 1.0 if whose & set(fact.about) else _OTHER_THING
    elif fact.kind is FactKind.NAME:
        if q.want is Want.PLACE and fact.text.split()[0][:1].isupper() and not any(
                sentence.text[max(0, fact.start - 6):fact.start].strip().endswith(p)
                for p in (" in", " at", " near", " to", " from")):
            fit *= 0.7
        if q.want in (Want.PERSON, Want.ORGANISATION) and re.search(
                r"\b(?:in|at|from|near|of|to)\s+(?:the\s+)?$", sentence.text[max(0, fact.start - 12):fact.start]):
            fit *= 0.5                  # "from the village of Corley": a place, not who
        roles = reading.roles.get(own[-1] if own else "", frozenset())
        if is_source(sentence, fact.start, fact.end) and not roles & set(weights):
            fit *= _SOURCE
    # Next to the question's words: 1.0, drifting down to _FAR as the fact floats away.
    at = [i for i, t in enumerate(sentence.tokens) if fact.start <= t.start < fact.end]
    if near and at:
        dist = min(abs(i - j) for i in near for j in at)
        fit *= max(_FAR, 1.0 - 0.03 * max(0, dist - 3))
    elif not near:
        fit *= _NO_ANCHOR           # none of the question's words is there to hold on to
    return fit


def _score(q: Question, weights: dict[str, float], reading: Reading, asked: frozenset[str],
           subject_only: bool) -> list[_Scored]:
    idf = {t: reading.idf(t) for t in weights}
    total = sum(weights[t] * idf[t] for t in weights) or 1.0
    typed = TYPE_TERMS.get(q.want, frozenset())
    absent = sum(1 for t in weights if weights[t] == 1.0 and t not in reading.stems and not related(t) & reading.stems
                 and t not in typed)
    verbs = [t for t in weights if t in RELATIONS and weights[t] == 1.0 and t not in typed]
    first_body = next((s.index for s in reading.sentences if not s.heading and not s.boilerplate), -1)
    out = []
    for sent in reading.sentences:
        if sent.boilerplate or len(sent.tokens) < 3:
            continue
        prev = reading.sentences[sent.index - 1] if sent.index > 0 else None
        before = prev.stems if prev is not None and prev.paragraph == sent.paragraph else frozenset()
        carry = _PRONOUN_CREDIT if _PRONOUN_START.match(sent.text) else _CONTEXT_CREDIT
        kinds = q.accepts()
        fact: Fact | None = None
        best = 0.0
        if kinds:
            near = _positions(sent, weights)
            if not near and carry == _PRONOUN_CREDIT and before:
                near = [0]             # "It runs 2 hours": the pronoun stands for the words before
            for f in sent.facts:
                fit = _fact_fit(q, sent, f, weights, reading, asked, near)
                if fit > best:
                    best, fact = fit, f
        matched = 0.0
        for t, w in weights.items():
            own = _match(t, sent.stems)
            if t in typed and fact is not None:
                own = max(own, _TYPED_CREDIT * best)
            ctx = carry * _match(t, before) if before else 0.0
            matched += w * idf[t] * max(own, ctx)
        if matched <= 0:
            continue
        coverage = matched / total
        if subject_only:                 # "when's it out?": any of the subject's words will do
            coverage = min(1.0, 2.5 * coverage)
        if kinds:
            fit = best if fact else _NO_FACT
        elif q.want is Want.REASON:
            fit = 1.0 if _REASON_MARK.search(sent.text) else _NO_REASON_MARK
        else:
            fit = 1.0
        score = coverage * fit * _ABSENT ** absent
        if any(not _match(r, sent.stems | (before if carry == _PRONOUN_CREDIT else frozenset())) for r in verbs):
            score *= _RELATION_MISSING
        if sent.heading:
            score *= _HEADING
        if sent.index == first_body:
            score += _LEAD_BONUS
        out.append(_Scored(min(1.0, score), sent, fact))
    return out


def _fact_text(sentence: Sentence, fact: Fact) -> str:
    """The fact as the answer's first words: a count with what it counts ("37 of the planes")."""
    text = fact.text
    if fact.kind in (FactKind.COUNT, FactKind.MEASURE) and fact.about:
        rest = sentence.text[fact.end:fact.end + 40]
        m = re.match(r"(?:\s+(?:of the|of|more|other)\b)?(?:\s+[\w'’-]+){1,3}?\s*(?=[,.;:]|\s+(?:and|or|in|on|at|"
                     r"from|to|for|with|by|during|after|before|over|who|which|that)\b|$)", rest)
        if m and len(m.group(0).split()) <= 4:
            text += m.group(0).rstrip()
    return text.rstrip(",.;: ")


def _verdict(sentence: Sentence, weights: dict[str, float]) -> str:
    """Yes or no for a yes/no question: "no" when the sentence negates what it says about the asked words."""
    near = _positions(sentence, weights)
    for m in _NEGATION.finditer(sentence.text):
        at = [i for i, t in enumerate(sentence.tokens) if t.start >= m.start()][:1]
        if not near or not at or min(abs(at[0] - j) for j in near) <= 6:
            return "No"
    return "Yes"


class ExtractiveAnswerer:
    name = NAME

    def __init__(self, threshold: float = ABSTAIN_THRESHOLD) -> None:
        self.threshold = threshold

    async def answer(self, article: Article, question: str, *, history: Sequence[Turn] = (),
                     language: str | None = None) -> Answer:
        return self.answer_sync(article, question, history=history, language=language)

    def answer_sync(self, article: Article, question: str, *, history: Sequence[Turn] = (),
                    language: str | None = None) -> Answer:
        note = ANSWER_TRANSLATION_NOTE if other_language(language, article) else None
        reading = read(article.text, article.title, article.language)
        q, weights = _query(question, history, reading)
        asked = frozenset(t.stem for t in tokens(" ".join(q.words), reading.lang)) - STOP
        # "when's it out?": a typed question about "it" alone asks about the article's subject; "what is it?"
        # and "when was that?" (without the turn before) ask about nothing we can find.
        subject_only = not q.terms and not history and bool(q.accepts()) and bool(
            set(q.words) & {"it", "its", "they", "them", "their", "he", "she", "his", "her"})
        if q.person_pronoun or q.thing_pronoun or subject_only:
            # "it" is no answer to "who made it"
            asked |= set(reading.main_person if q.person_pronoun else reading.subject)
        scored = _score(q, weights, reading, asked, subject_only) if weights else []
        best = max(scored, key=lambda s: (s.score, -s.sentence.index), default=None)
        if best is None or best.score < self.threshold:
            return self._not_found(note, best)
        return self._answer(q, weights, reading, best, note)

    def _answer(self, q: Question, weights: dict[str, float], reading: Reading, best: _Scored,
                note: str | None) -> Answer:
        sent = best.sentence
        chosen = [sent]
        if (q.want is Want.REASON and not _REASON_MARK.search(sent.text)) or q.want is Want.DESCRIPTION:
            nxt = reading.sentences[sent.index + 1] if sent.index + 1 < len(reading.sentences) else None
            if nxt is not None and nxt.paragraph == sent.paragraph:
                chosen.append(nxt)         # a reason often follows the sentence naming the event; a description
                                           # takes more than one sentence
        quotes = [Quote(s.text, s.span.start, s.span.end) for s in chosen]
        said = " ".join(q.text for q in quotes)
        if best.fact is not None:
            text = f"{_fact_text(sent, best.fact)} — {said}"
        elif q.want is Want.YESNO:
            text = f"{_verdict(sent, weights)} — {said}"
        else:
            text = said
        logger.debug("extractive answer: sentence %d, score %.2f", sent.index, best.score)
        return Answer(text=text, quotes=quotes, answerable=True, confidence=round(best.score, 4),
                      provider=NAME, note=note)

    def _not_found(self, note: str | None, closest: _Scored | None) -> Answer:
        text = NOT_FOUND
        if closest is not None and closest.score >= CLOSEST_FLOOR:
            text += f" Closest passage: “{closest.sentence.text}”"
        return Answer(text=text, quotes=[], answerable=False,
                      confidence=round(closest.score, 4) if closest else 0.0, provider=NAME, note=note)
