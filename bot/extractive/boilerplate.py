"""What in an extracted article is not the article: page furniture, judged sentence by sentence.

Extraction leaves some furniture in the text: legal and trademark lines, cookie and newsletter prompts,
photo credits, bylines and datelines before the lead, comment counts and readers' comments after the
body, truncated teasers of other stories, hover cards glued into a sentence. Each sentence is judged by
what it is rather than by a list of known phrases: whether it is an imperative aimed at the reader (a call
to action), how dense its legal vocabulary is, whether it is a sentence at all (closing punctuation), where
it sits (before the lead, after the body), whether it repeats, whose voice it is in (a reader's first
person after a third-person body) and whether it was cut off ("…").

The features of one sentence live in bot/extractive/furniture.py; this module judges a whole text with
them and with position. `clean()` returns the article's own sentences with their offsets (every kept
piece is a verbatim slice of the input), the dropped ones with a reason, and whether what is left reads
as an article at all.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass

from bot.app.errors import NotAnArticle
from bot.articles.model import Article
from bot.extractive.furniture import (
    COMMENTS_START,
    first_person_singular,
    is_boilerplate,
    is_sentence,
    is_truncated,
    legal_score,
    sentence_reason,
    site_voice,
    strip_dateline,
    strip_leading_junk,
)
from bot.extractive.text import Span, content_tokens, normalize_for_match, split_sentences

__all__ = ["NOT_AN_ARTICLE", "Cleaned", "Piece", "article_only", "clean", "is_boilerplate", "sentence_reason",
           "strip_dateline"]

logger = logging.getLogger(__name__)

MIN_WORDS = 25           # an article has at least this many words of real sentences...
MIN_SENTENCES = 2        # ...in at least this many sentences (or MIN_WORDS_ONE in one)
MIN_WORDS_ONE = 40
NOT_AN_ARTICLE = "I couldn't find an article on that page."


@dataclass(frozen=True, slots=True)
class Piece:
    span: Span           # offsets into the original text (after a stripped dateline)
    para: int            # paragraph number in the original text
    reason: str | None   # why it is furniture; None for the article's own text


@dataclass(frozen=True, slots=True)
class Cleaned:
    text: str                       # the article's own text, paragraphs separated by blank lines
    pieces: tuple[Piece, ...]       # every sentence of the input, kept or not
    problem: str | None             # None when it reads as an article, else "too little", "listing", "legal"

    @property
    def kept(self) -> list[Span]:
        return [p.span for p in self.pieces if p.reason is None]

    @property
    def dropped(self) -> list[tuple[Span, str]]:
        return [(p.span, p.reason) for p in self.pieces if p.reason is not None]


def _paragraph_numbers(text: str, spans: list[Span]) -> list[int]:
    breaks = [m.start() for m in re.finditer(r"\n[ \t\r\f\v]*\n", text)]
    out, b = [], 0
    for span in spans:
        while b < len(breaks) and breaks[b] < span.start:
            b += 1
        out.append(b)
    return out


def _is_body(text: str) -> bool:
    """A sentence of reporting: punctuation, lower-case words, long enough to say something."""
    return is_sentence(text) and len(text.split()) >= 6


def _reasons(text: str, spans: list[Span], paras: list[int], title: str | None) -> list[str | None]:
    reasons = [sentence_reason(s.text) for s in spans]
    norm_title = normalize_for_match(title or "")
    seen: set[str] = set()
    for i, s in enumerate(spans):
        norm = normalize_for_match(s.text)
        if reasons[i] is None and (norm in seen or (norm_title and norm == norm_title)):
            reasons[i] = "repeat"
        seen.add(norm)
        last_in_para = i + 1 == len(spans) or paras[i + 1] != paras[i]
        if reasons[i] is None and last_in_para and is_truncated(s.text):
            reasons[i] = "teaser"
    body = [i for i, s in enumerate(spans) if reasons[i] is None and _is_body(s.text)]
    if not body:
        return [r or "fragment" for r in reasons]
    first, last = body[0], body[-1]
    for i in range(len(spans)):
        if reasons[i] is None and (i < first or i > last):   # labels, names, dates around the body
            reasons[i] = "outside the body"
    _drop_comments(spans, paras, reasons, body)
    return reasons


def _drop_comments(spans: list[Span], paras: list[int], reasons: list[str | None], body: list[int]) -> None:
    """Readers' comments after the body: from a comments heading or count on, or trailing paragraphs in a
    reader's first person when the body itself was not written in the first person."""
    words_before = 0
    total = sum(len(spans[i].text.split()) for i in body) or 1
    for i, s in enumerate(spans):
        if words_before >= total / 2 and len(s.text.split()) <= 8 and COMMENTS_START.match(
                strip_leading_junk(s.text)):
            for j in range(i, len(spans)):
                reasons[j] = reasons[j] or "comments"
            return
        if reasons[i] is None:
            words_before += len(s.text.split())
    early = body[: max(1, (2 * len(body)) // 3)]
    if sum(first_person_singular(spans[i].text) for i in early) > len(early) / 10:
        return                                   # a first-person piece (column, blog): its voice is the body
    by_para: dict[int, list[int]] = {}
    for i in range(len(spans)):
        by_para.setdefault(paras[i], []).append(i)
    for para in sorted(by_para, reverse=True):
        live = [i for i in by_para[para] if reasons[i] is None]
        if not live:
            continue
        if not any(first_person_singular(spans[i].text) for i in live) or para == paras[body[0]]:
            return
        for i in live:
            reasons[i] = "reader's comment"


# Han, kana and Hangul: scripts whose words are not separated by spaces.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_LIST_MARK = re.compile(r"^(?:[-*•‣–—]|\d{1,3}[.)])\s")
_SOFT = frozenset({"fragment", "outside the body"})


def _count_words(text: str) -> int:
    """Words, counting two characters of an unspaced script (Chinese, Japanese) as one."""
    return len(text.split()) + len(_UNSPACED.findall(text)) // 2


def _mostly_unpunctuated(spans: list[Span], reasons: list[str | None]) -> bool:
    soft = sum(len(s.text.split()) for s, r in zip(spans, reasons, strict=True) if r in _SOFT)
    total = sum(len(s.text.split()) for s in spans)
    return total >= 100 and soft >= total / 2


def _problem(spans: list[Span], reasons: list[str | None]) -> str | None:
    kept = [s.text for s, r in zip(spans, reasons, strict=True) if r is None and _is_body(s.text)]
    n_words = sum(_count_words(t) for t in kept)
    legal = sum(1 for t in kept if site_voice(t) or legal_score(t)[0] >= 1)
    if len(kept) >= 3 and legal >= len(kept) / 2:
        return "legal"
    if n_words < MIN_WORDS or (len(kept) < MIN_SENTENCES and n_words < MIN_WORDS_ONE):
        dropped_legal = sum(1 for r in reasons if r == "legal")
        return "legal" if dropped_legal >= 3 else "too little"
    return None


def clean(text: str, *, title: str | None = None) -> Cleaned:
    """The article's own sentences of an extracted `text` (see the module's docstring)."""
    spans = split_sentences(text)
    paras = _paragraph_numbers(text, spans)
    reasons = _reasons(text, spans, paras, title)
    pieces: list[Piece] = []
    lead_done = 0
    for s, p, r in zip(spans, paras, reasons, strict=True):
        if r is None and lead_done < 2:   # datelines open the lead (or the lead's second sentence after a byline)
            cut = strip_dateline(s.text)
            if cut:
                s = Span(s.start + cut, s.end, s.text[cut:])
            lead_done += 1
        pieces.append(Piece(s, p, r))
    problem = _problem(spans, reasons)
    if problem == "too little" and _mostly_unpunctuated(spans, reasons):
        # Text whose sentences lack the usual punctuation (lists, captions, poetry, odd markup) is not
        # refused for that: only what is furniture by its nature goes.
        pieces = [Piece(p.span, p.para, None if p.reason in _SOFT else p.reason) for p in pieces]
        problem = None
    problem = problem or _listing(pieces)
    return Cleaned(text=_join(text, pieces), pieces=tuple(pieces), problem=problem)


def _join(text: str, pieces: list[Piece]) -> str:
    """Kept pieces with the original layout between them: blank line, line break or space."""
    out: list[str] = []
    prev: Piece | None = None
    for piece in pieces:
        if piece.reason is not None:
            continue
        if prev is not None:
            gap = text[prev.span.end:piece.span.start]
            out.append("\n\n" if piece.para != prev.para else "\n" if "\n" in gap else " ")
        out.append(piece.span.text)
        prev = piece
    return "".join(out)


def _listing(pieces: list[Piece]) -> str | None:
    """An index of other stories: headlines each followed by a one-line blurb, on unrelated subjects."""
    paras: dict[int, list[Piece]] = {}
    for piece in pieces:
        paras.setdefault(piece.para, []).append(piece)
    bodies: list[list[Piece]] = []
    pairs = 0                   # a headline paragraph directly followed by a blurb
    after_headline = False
    one_liners = 0              # a paragraph that is one sentence and nothing else
    for group in paras.values():
        live = [p for p in group if p.reason is None and _is_body(p.span.text)]
        if live:
            bodies.append(live)
            one_liners += len(live) == 1 and len([p for p in group if p.reason is None]) == 1
            pairs += after_headline
            after_headline = False
        else:   # a headline: no sentence, and not an item of the article's own list
            after_headline = not _LIST_MARK.match(group[0].span.text) and \
                all(p.reason in (None, "teaser", "outside the body", "fragment") for p in group)
    if not bodies:
        return None
    sample = " ".join(p.span.text for live in bodies for p in live)
    if len(_UNSPACED.findall(sample)) > len(sample) / 5:
        return None     # a script written without spaces: word overlap and counts mean little here
    tokens = [set(content_tokens(" ".join(p.span.text for p in live))) for live in bodies]
    linked = sum(1 for i, a in enumerate(tokens)
                 if any(len(a & b) >= 2 for j, b in enumerate(tokens) if j != i)) / len(tokens)
    share = one_liners / len(bodies)
    words = len(sample.split())
    if pairs >= 4 and pairs >= 0.6 * len(bodies) and linked < 0.5 and share >= 0.8 and words < 400:
        return "listing"
    if len(bodies) >= 5 and share >= 0.8 and linked < 0.34 and words < 250:
        return "listing"
    return None


def article_only(article: Article) -> Article:
    """The article with only its own text; raises NotAnArticle when that is too little, or the page is a
    listing or a legal page. CPU-bound: call it through `asyncio.to_thread`."""
    cleaned = clean(article.text, title=article.title)
    if cleaned.problem is not None:
        logger.info("not summarising %s: %s (%d of %d sentences kept)", article.url, cleaned.problem,
                    len(cleaned.kept), len(cleaned.pieces))
        raise NotAnArticle(NOT_AN_ARTICLE)
    return dataclasses.replace(article, text=cleaned.text)


def without_furniture(article: Article) -> Article:
    """The article without page furniture and readers' comments, for answering questions. Never refuses: a short
    or odd page is still worth asking about, so when cleaning keeps nothing the text stays as it was.
    CPU-bound: call it through `asyncio.to_thread`."""
    cleaned = clean(article.text, title=article.title)
    return dataclasses.replace(article, text=cleaned.text) if cleaned.text.strip() else article
