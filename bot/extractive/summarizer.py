"""The built-in summariser used without an API key: sentences picked from the article, never invented.

ExtractiveSummarizer ranks sentences with TextRank over TF-IDF cosine similarity plus a mild lead
bias (news puts the key facts first). Styles differ in length and form: `brief` is one TL;DR sentence
and three short points, `detailed` a longer TL;DR and six full points, `bullets` a one-line TL;DR and
terse fragments. A quotation spread over sentences is one unit; long units are shortened at clause
boundaries (bot/extractive/points.py), never cut mid-clause. An interview's questions are never picked,
and a numbered list's items are its key points (bot/extractive/layout.py). The answerer lives in
bot/extractive/answerer.py; page furniture is recognised in bot/extractive/boilerplate.py.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from bot.articles.model import Article
from bot.extractive import layout, points
from bot.extractive.furniture import is_boilerplate, strip_dateline
from bot.extractive.points import near_duplicate
from bot.extractive.text import Span, content_tokens, split_sentences
from bot.extractive.tfidf import Vector, tfidf_vectors
from bot.llm.base import Style, Summary
from bot.util.text import clip

__all__ = ["NAME", "TRANSLATION_NOTE", "ExtractiveSummarizer", "is_boilerplate", "looks_like_heading",
           "near_duplicate", "other_language", "rank_sentences"]

logger = logging.getLogger(__name__)

NAME = "extractive"
TRANSLATION_NOTE = "Summary is in the article's language; translation needs an LLM."
MAX_CANDIDATES = 250    # sentences ranked for a summary; the graph is quadratic, and news leads with the news
MAX_ITEMS = 10          # a list article's items shown as key points


@dataclass(frozen=True, slots=True)
class StyleSpec:
    tldr_units: int       # sentences (or quotations) in the TL;DR
    tldr_chars: int
    points: int
    point_chars: int
    fragment: bool        # key points as terse fragments without full stops


STYLE_SPECS: dict[str, StyleSpec] = {
    "brief": StyleSpec(tldr_units=1, tldr_chars=260, points=3, point_chars=220, fragment=False),
    "detailed": StyleSpec(tldr_units=3, tldr_chars=650, points=6, point_chars=380, fragment=False),
    "bullets": StyleSpec(tldr_units=1, tldr_chars=160, points=6, point_chars=170, fragment=True),
}
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


def looks_like_heading(text: str) -> bool:
    """A headline or list line: no closing punctuation, or Most Words Capitalised Like This."""
    if not _SENTENCE_END.search(text):
        return True
    alpha = [w for w in text.split() if w[:1].isalpha()]
    caps = sum(1 for w in alpha if w[0].isupper())
    return len(alpha) >= 4 and caps / len(alpha) >= 0.6


def _usable(text: str) -> bool:
    """A real sentence: not boilerplate, at least 5 words, not a heading."""
    return len(text.split()) >= 5 and not looks_like_heading(text) and not is_boilerplate(text)


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


_DANGLING = re.compile(r"^(?:(?:they|it|this|that|these|those|he|she|his|her|its|their|most|then|"
                       r"but|and|also|so|still|such|there)\b)", re.IGNORECASE)
_QUOTE_START = re.compile(r"^[\"“‘']")


def rank_sentences(sentences: list[Span]) -> list[float]:
    """Importance of each sentence: centrality (TextRank) blended with a mild lead bias."""
    return _rank([s.text for s in sentences])


def _rank(texts: list[str]) -> list[float]:
    if not texts:
        return []
    tr = _textrank(tfidf_vectors([content_tokens(t) for t in texts]))
    top = max(tr) or 1.0
    scores = []
    for i, (text, r) in enumerate(zip(texts, tr, strict=True)):
        n_words = len(text.split())
        factor = 0.8 if n_words < 8 else 0.85 if n_words > 55 else 1.0
        if _DANGLING.match(text):
            factor *= 0.8       # "Then she...", "Most had...": needs the sentence before it
        elif _QUOTE_START.match(text):
            factor *= 0.9       # a quotation says less on its own than the reporting around it
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


def _candidates(text: str, shape: layout.Layout) -> list[points.Unit]:
    """Units the summary may use: no interview questions, no list item lines, answers without labels."""
    asked = [(q.start, q.end) for q in shape.questions]
    item_lines = [(it.start, it.end) for it in shape.items]
    spans = [s for s in split_sentences(text)
             if not any(a <= s.start < b for a, b in asked + item_lines)]
    out: list[points.Unit] = []
    lead_seen = False         # a usable sentence came before: what follows is past the lead
    for unit in points.units(text, spans):
        # An answer's "A:"/"Name:" label, or a dateline before the lead, is not part of the sentence.
        cut = shape.labels.get(unit.start, 0) or (strip_dateline(unit.text) if not lead_seen else 0)
        if cut:
            unit = points.Unit(unit.start + cut, unit.end, unit.text[cut:], unit.balanced)
        out.append(unit)
        lead_seen = lead_seen or _usable(unit.text)
    return out


class ExtractiveSummarizer:
    name = NAME

    async def summarize(self, article: Article, *, style: Style = "brief",
                        language: str | None = None) -> Summary:
        return self.summarize_sync(article, style=style, language=language)

    def summarize_sync(self, article: Article, *, style: Style = "brief",
                       language: str | None = None) -> Summary:
        spec = STYLE_SPECS[style]
        text = article.text
        shape = layout.analyse(text)
        units = _candidates(text, shape)
        usable = [u for u in units if u.balanced and _usable(u.text)][:MAX_CANDIDATES]
        note = TRANSLATION_NOTE if other_language(language, article) else None
        if not usable:  # a teaser or a list: fall back to whatever is not boilerplate
            usable = [u for u in units if not is_boilerplate(u.text) and len(u.text.split()) >= 3
                      and u.text.strip() != (article.title or "").strip()]
        summary = Summary(title=_title(article), tldr="", key_points=[], provider=NAME,
                          language=article.language, note=note)
        if not usable:
            summary.note = "The article has too little text to summarise."
            return summary
        scores = _rank([u.text for u in usable])
        order = sorted(range(len(usable)), key=lambda i: (-scores[i], i))
        tldr_idx, tldr = self._tldr(usable, order, spec, shape)
        summary.tldr = tldr
        chosen = [tldr]
        if shape.kind == "list":
            summary.key_points = self._items(shape, spec, chosen)
            if summary.key_points:
                return summary
        # "These substances…" means little without the sentence before it: such points come last.
        needs_context = [i for i in order if _DANGLING.match(usable[i].text) and i - 1 not in tldr_idx]
        picked: list[tuple[int, str]] = []
        for i in [i for i in order if i not in needs_context] + needs_context:
            if len(picked) >= spec.points:
                break
            if i in tldr_idx or any(near_duplicate(usable[i].text, c) for c in chosen):
                continue
            line = points.shorten(usable[i].text, spec.point_chars, fragment=spec.fragment)
            if line is None or any(near_duplicate(line, c) for c in chosen):
                continue
            picked.append((i, line))
            chosen.append(usable[i].text)
        summary.key_points = [line for _, line in sorted(picked)]
        return summary

    @staticmethod
    def _tldr(usable: list[points.Unit], order: list[int], spec: StyleSpec,
              shape: layout.Layout) -> tuple[list[int], str]:
        """The best units that fit the style's TL;DR, in article order; an intro is preferred when the body
        is an interview or a list."""
        # An interview's or a list's introduction says what it is about, in its own order.
        intro = sorted(i for i in order if usable[i].end <= shape.intro_end)
        pool = intro or order
        # A short article keeps most of its sentences for the key points.
        wanted = min(spec.tldr_units, max(1, len(usable) // 4))
        taken: list[tuple[int, str]] = []
        room = spec.tldr_chars
        for i in pool:
            if len(taken) >= wanted:
                break
            limit = room if taken else min(room, spec.tldr_chars if spec.tldr_units == 1 else 300)
            line = points.shorten(usable[i].text, limit, squeezed=spec.fragment)
            if line is None and not taken and i == pool[0]:     # the best unit may run a little long
                line = points.shorten(usable[i].text, int(limit * 1.4), squeezed=spec.fragment)
            if line is None or any(near_duplicate(line, t) for _, t in taken):
                continue
            taken.append((i, line))
            room -= len(line) + 1
            if room < 80:
                break
        if not taken:       # nothing fits: the best unit cut at its last clause boundary that fits, else whole
            i = pool[0]
            taken = [(i, points.shorten(usable[i].text, 10_000) or usable[i].text)]
        taken.sort()
        return [i for i, _ in taken], " ".join(line for _, line in taken)

    @staticmethod
    def _items(shape: layout.Layout, spec: StyleSpec, chosen: list[str]) -> list[str]:
        """A list article's items as its key points (with the item's first sentence in `detailed`)."""
        lines = []
        for item in shape.items[:MAX_ITEMS]:
            line = points.shorten(item.text, spec.point_chars, fragment=True, min_words=1) or clip(item.text, 120)
            if spec.fragment is False and item.detail and looks_like_heading(item.text) and \
                    spec.point_chars > 300:
                first = split_sentences(item.detail)[0].text if split_sentences(item.detail) else ""
                detail = points.shorten(first, spec.point_chars - len(line) - 2) if first else None
                if detail:
                    line = f"{line}: {detail}"
            if not any(near_duplicate(line, c) for c in chosen):
                lines.append(line)
        return lines
