"""An article read once for answering: sentences with stems and facts, word statistics, who is who.

Built once per article text and cached, since a thread asks several questions about the same article.
"Who is who" links names to the roles written next to them ("township engineer Harriet Mbeki", "Delia
Forsythe, the union's president"), so "how old is the engineer" looks for Mbeki's age; the main person and
the main subject (from the title and the lead) stand for "he", "she", "it" and "they".
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from bot.extractive.facts import Fact, FactKind, facts
from bot.extractive.lexicon import plain_phrases
from bot.extractive.stemming import language_of, stem
from bot.extractive.summarizer import is_boilerplate, looks_like_heading
from bot.extractive.text import STOPWORDS, Span, split_sentences

# Hyphenated compounds stay one word: "long-running" is not "running", "two-lane" counts no lanes.
_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?(?![^\W_])|[^\W\d_][^\W_]*(?:['’-][^\W\d_][^\W_]*)*|[^\W_]+")
# Stopwords as stems too ("does" stems to "doe").
STOP = frozenset(STOPWORDS) | frozenset(stem(w) for w in STOPWORDS)
_SPEECH = frozenset(stem(w) for w in "said say says told tell added according wrote asked noted".split())


@dataclass(frozen=True, slots=True)
class Token:
    start: int      # offsets into the sentence
    end: int
    stem: str


@dataclass(slots=True)
class Sentence:
    index: int
    span: Span
    paragraph: int
    tokens: list[Token]
    stems: frozenset[str]
    facts: tuple[Fact, ...]
    heading: bool
    boilerplate: bool

    @property
    def text(self) -> str:
        return self.span.text


@dataclass(slots=True)
class Reading:
    lang: str
    sentences: list[Sentence]
    vocabulary: Counter[str]                   # casefolded words and their counts
    stems: frozenset[str]
    df: Counter[str]                           # in how many sentences each stem occurs
    roles: dict[str, frozenset[str]] = field(default_factory=dict)   # surname stem -> role stems
    main_person: tuple[str, ...] = ()          # stems of the most mentioned person's name
    subject: tuple[str, ...] = ()              # stems of the title's content words
    subject_name: tuple[str, ...] = ()         # stems of the title's first name: what "it" most likely is
    common_stems: frozenset[str] = frozenset()  # stems of words the article writes in lower case somewhere
    mentions: Counter[str] = field(default_factory=Counter)   # a name's last stem -> how often it is named
    people: frozenset[str] = frozenset()      # last stems of full names named again alone: "Marchetti said"

    def idf(self, term: str) -> float:
        n = len(self.sentences) or 1
        d = self.df.get(term, 0)
        return math.log(1.0 + (n - d + 0.5) / (d + 0.5))

    @property
    def words(self) -> int:
        return sum(self.vocabulary.values())


def tokens(text: str, lang: str = "en") -> list[Token]:
    return [Token(m.start(), m.end(), stem(m.group(0), lang)) for m in _TOKEN.finditer(text)]


def is_source(sentence: Sentence, start: int, end: int) -> bool:
    """Whether the name at start..end is who is speaking ("..., Carrera said", "said Dr. Haugland")."""
    before = [t for t in sentence.tokens if t.end <= start][-2:]
    after = [t for t in sentence.tokens if t.start >= end][:2]
    return any(t.stem in _SPEECH for t in before + after)


def _roles(sentence: Sentence, common: frozenset[str]) -> dict[str, set[str]]:
    """Role words written next to each name: up to three words before it, an appositive after it."""
    out: dict[str, set[str]] = {}
    text = sentence.text
    for f in sentence.facts:
        if f.kind is not FactKind.NAME:
            continue
        key = stem(f.text.split()[-1])
        roles = out.setdefault(key, set())
        before = [t for t in sentence.tokens if t.end <= f.start][-3:]
        for t in reversed(before):
            word = text[t.start:t.end]
            if word[0].isupper() and word.casefold() not in common:
                break
            if t.stem not in STOP:
                roles.add(t.stem)
        m = re.match(r"\s*,\s*(?:the |a |an |its |their )?([^,.;\"“”]{3,60})", text[f.end:])
        if m:
            roles.update(t.stem for t in tokens(m.group(1)) if t.stem not in STOP)
    return out


def _join_datelines(text: str, spans: list[Span]) -> list[Span]:
    """"SAN MARREN, Calif. — Brightpath said...": a dateline's abbreviation ends no sentence."""
    out: list[Span] = []
    for span in spans:
        prev = out[-1] if out else None
        if prev is not None and span.text[:1] in "—–-" and "\n" not in text[prev.end:span.start]:
            out[-1] = Span(prev.start, span.end, text[prev.start:span.end])
        else:
            out.append(span)
    return out


@functools.lru_cache(maxsize=32)
def read(text: str, title: str | None, language: str | None) -> Reading:
    lang = language_of(language)
    spans = _join_datelines(text, split_sentences(text))
    raw_words = [m.group(0) for m in _TOKEN.finditer(text)]
    vocabulary = Counter(w.casefold() for w in raw_words)
    # Words the article writes in lower case somewhere: capitalised at a sentence start, they are no name.
    common = frozenset(w for w in raw_words if w[:1].islower()) | STOPWORDS
    paragraph_starts = [m.end() for m in re.finditer(r"\n[ \t]*\n", text)]
    sentences = []
    for i, span in enumerate(spans):
        toks = tokens(span.text, lang)
        plain = {stem(m.group(0), lang) for m in _TOKEN.finditer(plain_phrases(span.text))}
        para = sum(1 for p in paragraph_starts if p <= span.start)
        sentences.append(Sentence(i, span, para, toks, frozenset(t.stem for t in toks) | plain,
                                  facts(span.text, common), looks_like_heading(span.text),
                                  is_boilerplate(span.text)))
    df = Counter(s for sent in sentences for s in sent.stems)
    reading = Reading(lang, sentences, vocabulary, frozenset(df), df)
    reading.common_stems = frozenset(stem(w, lang) for w in common)
    roles: dict[str, set[str]] = {}
    mentions: Counter[str] = Counter()
    full: dict[str, tuple[str, ...]] = {}
    for sent in sentences:
        for key, found in _roles(sent, common).items():
            roles.setdefault(key, set()).update(found)
        for f in sent.facts:
            if f.kind is FactKind.NAME:
                parts = tuple(stem(w, lang) for w in f.text.split() if w.casefold() not in STOPWORDS)
                if parts:
                    mentions[parts[-1]] += 1
                    if len(parts) > len(full.get(parts[-1], ())):
                        full[parts[-1]] = parts
    reading.roles = {k: frozenset(v) for k, v in roles.items()}
    people = [k for k, _ in mentions.most_common() if len(full.get(k, ())) >= 2]
    reading.main_person = full[people[0]] if people else ()
    reading.mentions = mentions
    reading.people = frozenset(k for k in people if mentions[k] >= 2)
    head = title or (spans[0].text if spans else "")
    reading.subject = tuple(dict.fromkeys(t.stem for t in tokens(head, lang) if t.stem not in STOP))
    first = next((f for f in facts(head, common) if f.kind is FactKind.NAME), None)
    reading.subject_name = tuple(t.stem for t in tokens(first.text, lang)) if first else ()
    return reading
