"""The built-in question answerer used without an API key: the fact, the sentence that states it, or an
honest "I couldn't find that".

How a question is answered:
1. The question is read as an article would word it (bot/extractive/chat.py: contractions, chat spellings,
   filler, typos fixed against the article's vocabulary) and analysed (bot/extractive/question.py): what it
   wants (a number, money, a date, a person...) and its content words as Snowball stems.
2. Every sentence is scored (bot/extractive/scoring.py) by how much of the question's words it covers, times
   how well its best fact of the wanted kind (bot/extractive/facts.py) is verified to answer it
   (bot/extractive/verify.py): attached to what was asked, not someone else's age or another thing's price,
   not a hypothesis, not the asker's own words.
3. The confidence (bot/extractive/confidence.py) weighs the best score and its lead over a competing answer;
   it is fitted, and its threshold chosen, by cross-validation on articles held out (bench/calibration.py).
   Above the threshold the answer is the fact first, then the sentence ("37 — The airline has 37 of the
   planes..."), the sentence as the verified quote. Below it the answer says it couldn't find it and may show
   the closest passage. The built-in answerer never says "the article doesn't say": it cannot be sure of that.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from bot.articles.model import Article
from bot.extractive.confidence import THRESHOLD, Evidence, evidence, probability
from bot.extractive.facts import Fact, FactKind
from bot.extractive.question import Want
from bot.extractive.reading import Reading, Sentence, read
from bot.extractive.scoring import Candidate, Query, candidates, positions, query
from bot.extractive.summarizer import NAME, other_language
from bot.extractive.verify import REASON_MARK
from bot.llm.base import Answer, Quote, Turn

logger = logging.getLogger(__name__)

NOT_FOUND = "I couldn't find that in the article."
ANSWER_TRANSLATION_NOTE = "Answer is in the article's language; translation needs an LLM."

ABSTAIN_THRESHOLD = THRESHOLD   # decline below this confidence (bot/extractive/confidence.py)
CLOSEST_FLOOR = 0.5           # a closest passage holds at least this share of the question's (weighted) words
_NEGATION = re.compile(r"\b(?:not|no|never|none|nobody|nothing|neither|nor|without|n't)\b|n't\b", re.I)


def _fact_text(sentence: Sentence, fact: Fact) -> str:
    """The fact as the answer's first words: a count with what it counts ("37 of the planes")."""
    text = fact.text
    if fact.kind in (FactKind.COUNT, FactKind.MEASURE) and fact.about:
        rest = sentence.text[fact.end:fact.end + 40]
        m = re.match(r"(?:\s+(?:of the|of|more|other)\b)?(?:\s+[\w'’-]+){1,3}?\s*(?=[,.;:]|\s+(?:and|or|in|on|at|"
                     r"from|to|for|with|by|during|after|before|over|who|which|that)\b|$)", rest)
        if m and len(m.group(0).split()) <= 4:
            text += m.group(0).rstrip()
    text = text.rstrip(",;: ")
    return text if re.search(r"\b\w\.\w\.$", text) else text.rstrip(".")    # "7 p.m." keeps its dot


def _verdict(sentence: Sentence, weights: dict[str, float]) -> str:
    """Yes or no for a yes/no question: "no" when the sentence negates what it says about the asked words."""
    near = positions(sentence, weights)
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
        return self.examine(article, question, history=history, language=language)[1]

    def examine(self, article: Article, question: str, *, history: Sequence[Turn] = (),
                language: str | None = None) -> tuple[Evidence | None, Answer]:
        """The evidence for the best candidate and the answer given; what calibration learns from."""
        note = ANSWER_TRANSLATION_NOTE if other_language(language, article) else None
        reading = read(article.text, article.title, article.language)
        q = query(question, history, reading)
        scored = candidates(q, reading)
        found = evidence(scored)
        if found is None:
            return None, self._not_found(note, None, 0.0)
        sure = probability(found.features)
        if sure < self.threshold:
            closest = max(scored, key=lambda c: (c.coverage, c.score, -c.sentence.index))
            return found, self._not_found(note, closest, sure)
        return found, self._answer(q, reading, found.best, sure, note)

    def _answer(self, q: Query, reading: Reading, best: Candidate, sure: float, note: str | None) -> Answer:
        sent = best.sentence
        chosen = [sent]
        want = q.question.want
        if (want is Want.REASON and not REASON_MARK.search(sent.text)) or want is Want.DESCRIPTION:
            nxt = reading.sentences[sent.index + 1] if sent.index + 1 < len(reading.sentences) else None
            if nxt is not None and nxt.paragraph == sent.paragraph:
                chosen.append(nxt)         # a reason often follows the sentence naming the event; a description
                                           # takes more than one sentence
        quotes = [Quote(s.text, s.span.start, s.span.end) for s in chosen]
        said = " ".join(q.text for q in quotes)
        if best.fact is not None:
            text = f"{_fact_text(sent, best.fact)} — {said}"
        elif want is Want.YESNO:
            text = f"{_verdict(sent, q.weights)} — {said}"
        else:
            text = said
        logger.debug("extractive answer: sentence %d, score %.2f, confidence %.2f", sent.index, best.score, sure)
        return Answer(text=text, quotes=quotes, answerable=True, confidence=round(sure, 4),
                      provider=NAME, note=note)

    def _not_found(self, note: str | None, closest: Candidate | None, sure: float) -> Answer:
        text = NOT_FOUND
        if closest is not None and closest.coverage >= CLOSEST_FLOOR:
            text += f" Closest passage: “{closest.sentence.text}”"
        return Answer(text=text, quotes=[], answerable=False, confidence=round(sure, 4), provider=NAME, note=note)
