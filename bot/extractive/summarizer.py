"""The built-in summariser used without an API key: sentences picked from the article, never invented.

ExtractiveSummarizer ranks sentences with TextRank over TF-IDF cosine similarity plus a mild lead
bias (news puts the key facts first). The answerer lives in bot/extractive/answerer.py.
"""

from __future__ import annotations

import logging
import re

from bot.articles.model import Article
from bot.extractive.text import Span, content_tokens, normalize_for_match, split_sentences
from bot.extractive.tfidf import Vector, tfidf_vectors
from bot.llm.base import Style, Summary
from bot.util.text import clip

logger = logging.getLogger(__name__)

NAME = "extractive"
TRANSLATION_NOTE = "Summary is in the article's language; translation needs an LLM."
MAX_POINT_CHARS = 300
MAX_CANDIDATES = 250    # sentences ranked for a summary; the graph is quadratic, and news leads with the news

_BOILERPLATE = re.compile(
    r"""^\W*(?:
        (?:photo|photograph|image|picture|illustration|video|graphic|credit|file\ photo)s?
            (?:\s*(?::|\||/|credit)|\s+by\b|\s+courtesy\b)
      | (?:read|see)\s+(?:more|also|next)\b | related(?:\ stories|\ articles|\ coverage)?\s*: | share\b
      | leave\s+a\s+(?:reply|comment) | (?:\d+|no|one|two|three)\s+comments?\b | comments?\s*\(?\d*\s*\)?$
      | advertisement
      | subscribe\b | sign\s+up\b | click\s+here | follow\s+us | copyright\b | © | all\s+rights\s+reserved
      | (?:updated|published|posted)\s*:
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# "By Jane Roe" or "By Jane Roe, Staff Writer": bylines carry no closing punctuation.
_BYLINE = re.compile(r"^By\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}(?:\s*,\s*[\w ]{0,40})?$")
_CREDIT_TAIL = re.compile(r"\((?:photo|image|picture)s?\b[^)]*\)\s*$|/\s*(?:AP|Reuters|Getty Images)\b", re.I)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


def is_boilerplate(sentence: str) -> bool:
    """Photo credits, "Read more", share prompts, comment counts, bylines and the like."""
    s = sentence.strip()
    credit = len(s.split()) <= 12 and _CREDIT_TAIL.search(s)
    return bool(_BOILERPLATE.match(s) or _BYLINE.match(s) or credit)


def looks_like_heading(text: str) -> bool:
    """A headline or list line: no closing punctuation, or Most Words Capitalised Like This."""
    if not _SENTENCE_END.search(text):
        return True
    alpha = [w for w in text.split() if w[:1].isalpha()]
    caps = sum(1 for w in alpha if w[0].isupper())
    return len(alpha) >= 4 and caps / len(alpha) >= 0.6


def _usable(span: Span) -> bool:
    """A real sentence: not boilerplate, at least 5 words, not a heading."""
    return (len(span.text.split()) >= 5 and not looks_like_heading(span.text)
            and not is_boilerplate(span.text))


def _trigrams(text: str) -> set[tuple[str, ...]]:
    w = normalize_for_match(text).split()
    return {tuple(w[i:i + 3]) for i in range(len(w) - 2)}


def near_duplicate(a: str, b: str) -> bool:
    """Same statement twice: word-trigram Jaccard above 0.5 or one's content words inside the other's."""
    ta, tb = _trigrams(a), _trigrams(b)
    if ta and tb and len(ta & tb) / len(ta | tb) > 0.5:
        return True
    ca, cb = set(content_tokens(a)), set(content_tokens(b))
    small = min(len(ca), len(cb))
    return small >= 3 and len(ca & cb) / small >= 0.8


def _textrank(vecs: list[Vector], *, damping: float = 0.85, rounds: int = 50) -> list[float]:
    """PageRank over the sentence-similarity graph, built sparsely from an inverted index."""
    n = len(vecs)
    postings: dict[str, list[tuple[int, float]]] = {}
    for i, vec in enumerate(vecs):
        for t, w in vec.items():
            postings.setdefault(t, []).append((i, w))
    sim: list[dict[int, float]] = [{} for _ in range(n)]
    for plist in postings.values():
        for a, (i, wi) in enumerate(plist):
            row = sim[i]
            for j, wj in plist[a + 1:]:
                row[j] = row.get(j, 0.0) + wi * wj
    for i in range(n):          # mirror the upper triangle
        for j, w in list(sim[i].items()):
            if j > i:
                sim[j][i] = w
    out_sum = [sum(row.values()) or 1.0 for row in sim]
    edges = [[(j, w / out_sum[j]) for j, w in row.items()] for row in sim]
    rank = [1.0 / n] * n
    for _ in range(rounds):
        new = [(1 - damping) / n + damping * sum(w * rank[j] for j, w in edges[i]) for i in range(n)]
        delta = max(abs(x - y) for x, y in zip(new, rank, strict=True))
        rank = new
        if delta < 1e-6 / n:
            break
    return rank


_DANGLING = re.compile(r"^(?:[\"“‘']|(?:they|it|this|that|these|those|he|she|his|her|its|their|most|then|"
                       r"but|and|also|so|still|such|there)\b)", re.IGNORECASE)
_DATELINE = re.compile(r"^[A-Z][A-Z .,'’-]{1,40}\s+[—–-]{1,2}\s+(?=[A-Z\"“])")


def _point(text: str) -> str:
    """A sentence as shown in a summary: without a leading dateline, cut at a word if very long."""
    return clip(_DATELINE.sub("", text), MAX_POINT_CHARS)


def rank_sentences(sentences: list[Span]) -> list[float]:
    """Importance of each sentence: centrality (TextRank) blended with a mild lead bias."""
    if not sentences:
        return []
    tr = _textrank(tfidf_vectors([content_tokens(s.text) for s in sentences]))
    top = max(tr) or 1.0
    scores = []
    for i, (s, r) in enumerate(zip(sentences, tr, strict=True)):
        n_words = len(s.text.split())
        factor = 0.8 if n_words < 8 else 0.85 if n_words > 55 else 1.0
        if _DANGLING.match(s.text):
            factor *= 0.8       # "Then she...", "Most had...": needs the sentence before it
        scores.append((0.7 * r / top + 0.3 / (1.0 + i / 4.0)) * factor)
    return scores


def other_language(language: str | None, article: Article) -> bool:
    """A language was asked for and the article is known to be in another one ("en-GB" counts as "en")."""
    if not language or not article.language:
        return False
    return language.split("-")[0].casefold() != article.language.split("-")[0].casefold()


def _title(article: Article) -> str:
    if article.title and article.title.strip():
        return article.title.strip()
    first = next((ln.strip() for ln in article.text.splitlines() if ln.strip()), "")
    return clip(first, 200)


class ExtractiveSummarizer:
    name = NAME

    async def summarize(self, article: Article, *, style: Style = "brief",
                        language: str | None = None) -> Summary:
        return self.summarize_sync(article, style=style, language=language)

    def summarize_sync(self, article: Article, *, style: Style = "brief",
                       language: str | None = None) -> Summary:
        spans = split_sentences(article.text)
        usable = [s for s in spans if _usable(s)][:MAX_CANDIDATES]
        note = TRANSLATION_NOTE if other_language(language, article) else None
        if not usable:  # a teaser or a list: fall back to whatever is not boilerplate
            usable = [s for s in spans if not is_boilerplate(s.text) and len(s.text.split()) >= 3
                      and s.text.strip() != (article.title or "").strip()]
        summary = Summary(title=_title(article), tldr="", key_points=[], provider=NAME,
                          language=article.language, note=note)
        if not usable:
            summary.note = "The article has too little text to summarise."
            return summary
        scores = rank_sentences(usable)
        order = sorted(range(len(usable)), key=lambda i: (-scores[i], i))
        tldr_idx = [order[0]]
        short = len(usable) < 3
        extra_limit = {"brief": 300, "detailed": 450, "bullets": 0}[style]
        if not short and extra_limit:
            for i in order[1:3]:
                if (len(usable[tldr_idx[0]].text) + len(usable[i].text) < extra_limit
                        and not near_duplicate(usable[i].text, usable[tldr_idx[0]].text)):
                    tldr_idx.append(i)
                    break
        tldr_idx.sort()
        summary.tldr = " ".join(_point(usable[i].text) for i in tldr_idx)
        want = {"brief": 3, "detailed": 5, "bullets": 5}[style]
        chosen = [usable[i].text for i in tldr_idx]
        points: list[int] = []
        for i in order:
            if len(points) >= want:
                break
            if i in tldr_idx or any(near_duplicate(usable[i].text, c) for c in chosen):
                continue
            points.append(i)
            chosen.append(usable[i].text)
        summary.key_points = [_point(usable[i].text) for i in sorted(points)]
        return summary
