"""Article extraction on the public evaluation corpus (../shared/extraction-eval), ours against
trafilatura alone (`trafilatura.extract(html)`, default options) in the same run.

`python -m bench extract [--split dev|test|all] [--limit N] [--pages]`. The corpus is split in two halves
by a hash of each page's id: tune on `dev`, check on `test`. Scoring is the corpus's own (its README):
each `with` snippet found in the whitespace-normalised text is a true positive, each `without` snippet
found a false positive; a refused page misses all its `with` snippets. Title, author and date are scored
where the corpus has them (trafilatura's metadata for the baseline comes from `extract_metadata`).
`--pages` also prints one line per page where ours and trafilatura differ, for diagnosis.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import statistics
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura
from trafilatura.metadata import extract_metadata

from bench.harness import Figure, figure
from bot.app.errors import NotAnArticle, TeaserOnly
from bot.articles.decode import decode_body
from bot.articles.extract import extract_html

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "extraction-eval"
SPLITS = ("dev", "test")


@dataclass(slots=True)
class Result:
    """What one extractor produced on one page."""

    text: str | None
    ms: float
    title: str | None = None
    author: str | None = None
    date: str | None = None
    refusal: str | None = None   # "teaser" or "empty" when nothing was extracted


@dataclass(slots=True)
class Tally:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0
    pages: int = 0
    refused: int = 0
    teasers: int = 0
    ms: list[float] = field(default_factory=list)
    meta_hits: dict[str, int] = field(default_factory=lambda: {"title": 0, "author": 0, "date": 0})
    meta_total: dict[str, int] = field(default_factory=lambda: {"title": 0, "author": 0, "date": 0})

    def add(self, case: dict[str, object], result: Result) -> tuple[int, int, int, int]:
        tp, fn, fp, tn = score(result.text, case)
        self.tp, self.fn, self.fp, self.tn = self.tp + tp, self.fn + fn, self.fp + fp, self.tn + tn
        self.pages += 1
        self.refused += result.refusal is not None
        self.teasers += result.refusal == "teaser"
        self.ms.append(result.ms)
        for key, matches in (("title", title_matches), ("author", author_matches), ("date", date_matches)):
            want = case.get(key)
            if isinstance(want, str) and want.strip():
                self.meta_total[key] += 1
                self.meta_hits[key] += matches(getattr(result, key), want)
        return tp, fn, fp, tn

    def rates(self) -> dict[str, float]:
        precision = self.tp / max(1, self.tp + self.fp)
        recall = self.tp / max(1, self.tp + self.fn)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        accuracy = (self.tp + self.tn) / max(1, self.tp + self.fn + self.fp + self.tn)
        return {"precision": precision, "recall": recall, "f1": f1, "accuracy": accuracy}


def _ws(text: str) -> str:
    return " ".join(text.split())


def score(text: str | None, case: dict[str, object]) -> tuple[int, int, int, int]:
    """(tp, fn, fp, tn) for one page, the corpus's way."""
    with_, without = list(case.get("with") or []), list(case.get("without") or [])  # type: ignore[call-overload]
    if not text:
        return 0, len(with_), 0, len(without)
    norm = _ws(text)
    found = sum(_ws(s) in norm for s in with_)
    leaked = sum(_ws(s) in norm for s in without)
    return found, len(with_) - found, leaked, len(without) - leaked


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"\w+", text))


def title_matches(got: str | None, want: str) -> bool:
    """Equal once normalised, or the one contains the other ('Headline | Site', or a headline whose
    subtitle was dropped) as long as the shorter holds at least half the longer's characters."""
    g, w = _norm(got or ""), _norm(want)
    if not g or not w:
        return False
    short, long_ = sorted((g, w), key=len)
    return g == w or (f" {short} " in f" {long_} " and len(short) >= len(long_) / 2)


def author_matches(got: str | None, want: str) -> bool:
    """Containment either way ('Jane Doe' in 'Jane Doe; John Roe', 'Heiko' in 'Heiko B.')."""
    g, w = _norm(got or ""), _norm(want)
    return bool(g and w) and (f" {w} " in f" {g} " or f" {g} " in f" {w} ")


def date_matches(got: str | None, want: str) -> bool:
    return bool(got) and str(got)[:10] == want[:10]


def split_of(case: dict[str, object]) -> str:
    """'dev' or 'test', from a hash of the page id (stable across runs and machines)."""
    page_id = Path(str(case["page"])).name.split(".")[0]
    return SPLITS[hashlib.sha256(page_id.encode()).digest()[0] % 2]


def load_cases(corpus: Path, split: str, limit: int | None) -> list[dict[str, object]]:
    cases: list[dict[str, object]] = json.loads((corpus / "cases.json").read_text(encoding="utf-8"))
    chosen = [c for c in cases if split == "all" or split_of(c) == split]
    return chosen[:limit] if limit else chosen


def ours(html: str, url: str) -> Result:
    start = time.perf_counter()
    try:
        article = extract_html(html, url=url)
    except TeaserOnly:
        return Result(None, _since(start), refusal="teaser")
    except NotAnArticle:
        return Result(None, _since(start), refusal="empty")
    return Result(article.text, _since(start), article.title, article.author, article.date)


def baseline(html: str, url: str) -> Result:
    start = time.perf_counter()
    text = trafilatura.extract(html)
    ms = _since(start)
    meta = extract_metadata(html, default_url=url)  # untimed: extract() does not return metadata
    return Result(text or None, ms, meta.title, meta.author, meta.date and str(meta.date)[:10],
                  refusal=None if text else "empty")


def _since(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def pages(corpus: Path, cases: list[dict[str, object]]) -> Iterator[tuple[dict[str, object], str, str]]:
    for case in cases:
        data = gzip.decompress((corpus / str(case["page"])).read_bytes())
        html, _ = decode_body(data)
        yield case, html, str(case["url"])


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1] if len(values) >= 2 else (values[0] if values else 0.0)


def figures(split: str, mine: Tally, theirs: Tally, refused_alone: int, accepted: tuple[Tally, Tally]) -> list[Figure]:
    name = f"extract.{split}"
    note = f"{mine.pages} pages; baseline = trafilatura.extract(html) alone"
    ours_rates, base_rates = mine.rates(), theirs.rates()
    out = [figure(f"{name}.{key}", ours_rates[key], "ratio", base_rates[key], note=note) for key in ours_rates]
    ours_acc, base_acc = accepted[0].rates(), accepted[1].rates()
    out += [figure(f"{name}.{key}_where_accepted", ours_acc[key], "ratio", base_acc[key],
                   note=f"the {accepted[0].pages} pages we did not refuse, both extractors")
            for key in ("precision", "recall")]
    out.append(figure(f"{name}.refused", mine.refused, "pages", theirs.refused,
                      note=f"ours: {mine.teasers} teasers, {mine.refused - mine.teasers} empty; "
                           f"{refused_alone} refused where trafilatura got >= 50 words"))
    out.append(figure(f"{name}.ms_median", statistics.median(mine.ms) if mine.ms else 0.0, "ms/page",
                      statistics.median(theirs.ms) if theirs.ms else 0.0))
    out.append(figure(f"{name}.ms_p90", _p90(mine.ms), "ms/page", _p90(theirs.ms)))
    for key in ("title", "author", "date"):
        total = mine.meta_total[key]
        out.append(figure(f"{name}.{key}_accuracy", mine.meta_hits[key] / max(1, total), "ratio",
                          theirs.meta_hits[key] / max(1, total),
                          note=f"{total} pages with a {key}; baseline = trafilatura's extract_metadata"))
    return out


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench extract")
    parser.add_argument("--split", choices=(*SPLITS, "all", "both"), default="both",
                        help="which half of the corpus (both: dev and test reported separately)")
    parser.add_argument("--limit", type=int, default=None, help="at most this many pages per split")
    parser.add_argument("--pages", action="store_true", help="print a line per page where ours differs")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    return parser.parse_args(argv)


async def run(argv: list[str] | None = None) -> list[Figure]:
    args = _parse(argv or [])
    if not (args.corpus / "cases.json").exists():
        return [Figure("extract", 0.0, "skipped", note=f"no corpus at {args.corpus}")]
    out: list[Figure] = []
    for split in SPLITS if args.split == "both" else (args.split,):
        mine, theirs, refused_alone = Tally(), Tally(), 0
        accepted = (Tally(), Tally())
        for case, html, url in pages(args.corpus, load_cases(args.corpus, split, args.limit)):
            a, b = ours(html, url), baseline(html, url)
            sa, sb = mine.add(case, a), theirs.add(case, b)
            if a.refusal is None:
                accepted[0].add(case, a)
                accepted[1].add(case, b)
            if a.refusal and b.text and len(b.text.split()) >= 50:
                refused_alone += 1
            if args.pages and (sa != sb or a.refusal):
                print(json.dumps({"page": case["page"], "url": url, "ours": sa, "trafilatura": sb,
                                  "refusal": a.refusal, "ms": [round(a.ms), round(b.ms)]}), flush=True)
        out += figures(split, mine, theirs, refused_alone, accepted)
    return out
