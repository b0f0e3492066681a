"""Every sentence of an article scored as the answer to one question, with the checks that verify it.

A sentence answers when it covers the question's words (IDF-weighted; related words count less; a
sentence opening with "It" or "He" borrows the subject of the sentence before) and, for a question that
wants a fact (a number, a date, a name...), holds a fact of that kind attached to what was asked
(bot/extractive/verify.py). Each candidate keeps the evidence its score was built from, so the answerer
can say how sure it is (bot/extractive/confidence.py) and decline when the evidence is thin.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.extractive.chat import casual_to_plain
from bot.extractive.facts import Fact
from bot.extractive.lexicon import RELATIONS, related
from bot.extractive.question import TYPE_TERMS, Query, Want, analyse
from bot.extractive.reading import STOP, Reading, Sentence, tokens
from bot.extractive.verify import REASON_MARK, fact_fit, hedged
from bot.llm.base import Turn

_RELATED_CREDIT = 0.6         # a related word for a question word
_PREFIX_CREDIT = 0.8          # "refurb" for "refurbishing"
_CONTEXT_CREDIT = 0.35        # a question word found only in the sentence before
_PRONOUN_CREDIT = 0.8         # ...when this sentence opens with "It", "He", "They": it goes on about the same
_TYPED_CREDIT = 0.8           # "cost", "score", "date": a fact of the wanted kind stands for the word
_SUBJECT_WEIGHT = 0.1         # "it", "they", "he": the weight of each of the main subject's words
_SUBJECT_SHARE = 0.5          # ...and half of that weight is missed where they are not: the asker did not type them
_HISTORY_WEIGHT = 0.6         # words of the previous question in a thread
_ABSENT = 0.85                # per question word the article never uses (after typo fixing)
_MISSING = 0.6                # per key word the article uses elsewhere but not here nor just before
_RELATION_MISSING = 0.75      # the question's nouns, but not its verb ("close" the plant, not "buy" it)
_NO_REASON_MARK = 0.6         # a "why" answered by a sentence without because, after, due to...
_HEDGED = 0.5                 # "declined to say whether", "it is unclear if": no yes or no
_HEADING = 0.8                # a headline is a fragment, not a statement
_LEAD_BONUS = 0.05            # news puts the main facts in its first sentence
_PRONOUN_START = re.compile(r"^\W*(?:it|its|he|his|she|her|they|their|this|that|these|those|the \w+)\b", re.I)
_PERSONAL_START = re.compile(r"^\W*(?:it|its|he|his|she|her|they|their)\b", re.I)
_PRONOUNS = frozenset("it its they them their he she his her".split())


@dataclass(slots=True)
class Candidate:
    sentence: Sentence
    fact: Fact | None
    score: float           # 0..1, what the ranking uses
    coverage: float        # share of the question's weighted words found here or just before
    fit: float             # how well the fact (or the sentence) has the wanted kind
    missing: int           # key words the article uses elsewhere but not here


def plain_words(question: str, reading: Reading) -> list[str]:
    return casual_to_plain(question, reading.vocabulary, reading.stems, reading.lang)


def query(question: str, history: Sequence[Turn], reading: Reading) -> Query:
    """The analysed question and the weight of each of its stems (previous turn's words weigh less)."""
    q = analyse(plain_words(question, reading))
    weights = {t: 1.0 for t in q.terms}
    pronoun = bool(set(q.words) & _PRONOUNS)
    if history and (len(q.terms) <= 1 or q.person_pronoun or q.thing_pronoun):
        prev = analyse(plain_words(history[-1][0], reading))
        for t in prev.terms:
            weights.setdefault(t, _HISTORY_WEIGHT)
    # "when's it out?": a typed question about "it" alone asks about the article's subject; "what is it?"
    # and "when was that?" (without the turn before) ask about nothing we can find.
    subject_only = not weights and bool(q.accepts()) and pronoun
    if subject_only:
        weights = {t: 0.8 for t in reading.subject}
    elif q.terms and (q.person_pronoun or q.thing_pronoun):   # "he", "it", "they": the main person or subject
        for t in (reading.main_person if q.person_pronoun and reading.main_person else reading.subject):
            weights.setdefault(t, _SUBJECT_WEIGHT)
    asked = frozenset(t.stem for t in tokens(" ".join(q.words), reading.lang)) - STOP
    referred: frozenset[str] = frozenset()
    if q.person_pronoun or q.thing_pronoun or subject_only:
        referred = frozenset(reading.main_person if q.person_pronoun else reading.subject_name)
    return Query(q, weights, asked, referred, subject_only)


def match(term: str, stems: frozenset[str]) -> float:
    """How well a sentence's stems hold one question stem: itself, a longer form of it, a related word."""
    if term in stems:
        return 1.0
    if len(term) >= 4:
        for s in stems:
            if len(s) > len(term) + 1 and s.startswith(term):
                return _PREFIX_CREDIT
    rel = related(term)
    return _RELATED_CREDIT if rel and not rel.isdisjoint(stems) else 0.0


def _matches(term: str, stem: str) -> bool:
    return term == stem or (len(term) >= 4 and len(stem) > len(term) + 1 and stem.startswith(term)) \
        or stem in related(term)


def positions(sentence: Sentence, terms: dict[str, float], seen: dict[str, int] | None = None) -> list[int]:
    """Token positions of the sentence where a question word (a longer form, a related word) stands; the
    asker's own words first, the words "it" or "he" stand for only when none of those is there. `seen`
    remembers each stem's verdict across the sentences of one question."""
    seen = {} if seen is None else seen
    for t in sentence.tokens:
        if t.stem not in seen:
            strength = [w for term, w in terms.items() if _matches(term, t.stem)]
            seen[t.stem] = 0 if not strength else 2 if max(strength) >= _HISTORY_WEIGHT else 1
    for level in (2, 1):
        found = [i for i, t in enumerate(sentence.tokens) if seen[t.stem] == level]
        if found:
            return found
    return []


def _subject(sentence: Sentence) -> frozenset[str]:
    """The stems a sentence opens with, up to its first function word: its subject, roughly."""
    out: set[str] = set()
    for t in sentence.tokens:
        if t.stem in STOP:
            if out:
                break
            continue
        out.add(t.stem)
        if len(out) == 4:
            break
    return frozenset(out)


def _context(sentence: Sentence, reading: Reading) -> tuple[frozenset[str], frozenset[str], float]:
    """What the sentence before lends: its subject (in full to a sentence opening "It", "She"), its
    other words (at a credit)."""
    prev = reading.sentences[sentence.index - 1] if sentence.index > 0 else None
    if prev is None or prev.paragraph != sentence.paragraph:
        return frozenset(), frozenset(), 0.0
    personal = bool(_PERSONAL_START.match(sentence.text))
    carry = _PRONOUN_CREDIT if personal or _PRONOUN_START.match(sentence.text) else _CONTEXT_CREDIT
    return (_subject(prev) if personal else frozenset()), prev.stems, carry


@dataclass(frozen=True, slots=True)
class _Terms:
    """The question's stems as scoring uses them, worked out once per question."""
    weights: dict[str, float]
    idf: dict[str, float]
    total: float                 # the weighted IDF a sentence covering everything would hold
    typed: frozenset[str]        # "cost", "score": words a fact of the wanted kind stands for
    keys: list[str]              # the asker's own words beyond those
    in_article: set[str]
    verbs: list[str]             # keys that name the relation asked about ("buy", "close")


def _terms(query_: Query, reading: Reading) -> _Terms:
    weights = query_.weights
    idf = {t: reading.idf(t) for t in weights}
    # What "it" or "he" stands for helps a sentence that has it; where it is missing, it costs half its weight.
    share = {t: 1.0 if w > _SUBJECT_WEIGHT or query_.subject_only else _SUBJECT_SHARE for t, w in weights.items()}
    typed = TYPE_TERMS.get(query_.question.want, frozenset())
    keys = [t for t in weights if weights[t] == 1.0 and t not in typed]
    return _Terms(weights, idf, sum(weights[t] * idf[t] * share[t] for t in weights) or 1.0, typed, keys,
                  {t for t in weights if t in reading.stems or related(t) & reading.stems},
                  [t for t in keys if t in RELATIONS])


def _best_fact(query_: Query, sent: Sentence, reading: Reading, carry: float, before: frozenset[str],
               seen: dict[str, int]) -> tuple[Fact | None, float]:
    near = positions(sent, query_.weights, seen)
    if not near and carry == _PRONOUN_CREDIT and before:
        near = [0]             # "It runs 2 hours": the pronoun stands for the words before
    best: tuple[Fact | None, float] = (None, 0.0)
    for f in sent.facts:
        fit = fact_fit(query_, sent, f, reading, near)
        if fit > best[1]:
            best = (f, fit)
    return best


def candidates(query_: Query, reading: Reading) -> list[Candidate]:
    """Each sentence's score as the answer, with its best fact of the wanted kind."""
    q = query_.question
    if not query_.weights:
        return []
    terms = _terms(query_, reading)
    absent = sum(1 for t in terms.keys if t not in terms.in_article)
    kinds = q.accepts()
    first_body = next((s.index for s in reading.sentences if not s.heading and not s.boilerplate), -1)
    seen: dict[str, int] = {}
    out = []
    for sent in reading.sentences:
        if sent.boilerplate or len(sent.tokens) < 3:
            continue
        subject, before, carry = _context(sent, reading)
        fact, best = _best_fact(query_, sent, reading, carry, before, seen) if kinds else (None, 0.0)
        matched, missing = 0.0, 0
        for t, w in terms.weights.items():
            own = max(match(t, sent.stems), match(t, subject))
            if t in terms.typed and fact is not None:
                own = max(own, _TYPED_CREDIT * best)
            found = max(own, carry * match(t, before) if before else 0.0)
            matched += w * terms.idf[t] * found
            missing += t in terms.keys and t in terms.in_article and found == 0.0
        if matched <= 0:
            continue
        # "when's it out?": a sentence with any of the subject's words is about it; the fact decides
        coverage = 1.0 if query_.subject_only else min(1.0, matched / terms.total)
        if kinds:
            fit = best          # no fact of the wanted kind, no answer (the sentence may still be the closest)
        elif q.want is Want.REASON:
            fit = 1.0 if REASON_MARK.search(sent.text) else _NO_REASON_MARK
        elif q.want is Want.YESNO and hedged(sent.text):
            fit = _HEDGED
        else:
            fit = 1.0
        score = coverage * fit * _ABSENT ** absent * _MISSING ** missing
        said = sent.stems | (before if carry == _PRONOUN_CREDIT else frozenset())
        if any(not match(r, said) for r in terms.verbs):
            score *= _RELATION_MISSING
        if sent.heading:
            score *= _HEADING
        if sent.index == first_body and score > 0:
            score += _LEAD_BONUS
        out.append(Candidate(sent, fact, min(1.0, score), coverage, fit, missing))
    return out
