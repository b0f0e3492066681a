"""Topics of a conversation: messages grouped by what they talk about, in time linear in their number.

One pass in time order: a reply joins the topic of the message it answers; any other message joins the
recent topic whose centroid (the sum of its messages' TF-IDF vectors) it resembles most, if it resembles
one enough, else it starts a topic; a message with no words of its own ("yes!", an emoji) stays with the
topic the conversation was on. Only the most recently active topics are compared, so the cost per message
is bounded. Messages of one group (a thread, a forum post) are one topic by construction. Then the largest
topics whose centroids point the same way are merged (a subject the conversation came back to).

A message's centrality is its summed cosine similarity to the other messages of its topic, computed as one
dot product with the topic's centroid (sum_j v_i·v_j = v_i·sum_j v_j): linear, not quadratic.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.extractive.text import STOPWORDS, stem, words
from bot.extractive.tfidf import Vector, cosine, tfidf_vectors

JOIN = 0.15             # similarity to a recent topic's centroid that joins it (chat lines are short)
CONTINUE = 0.1          # ...or to the topic of the message just before (the conversation goes on)
MERGE = 0.45            # similarity of two topics' centroids that merges them
ACTIVE_TOPICS = 12      # recent topics a message is compared with
ACTIVE_SPAN = 60        # a topic stays open this many messages after its last one
MERGE_CANDIDATES = 40   # the largest topics considered for merging
CENTROID_TERMS = 60     # centroid terms compared when merging
DUPLICATE = 0.8         # near-duplicates are quoted once
QUOTABLE_TOKENS = 3     # distinct content words a message needs to be quoted


@dataclass(frozen=True, slots=True)
class Utterance:
    """One message as the digest sees it: its discussion text (bot/reports/chatter.py) and links."""
    text: str
    key: int | None = None          # the message id, which replies point at
    reply_to: int | None = None
    group: int | None = None        # messages of one group (a thread) form one topic


@dataclass(slots=True)
class Topic:
    items: list[int]                # indices of its utterances, in order
    terms: list[str]                # words naming it, most telling first
    central: list[int]              # its most representative quotable utterances, best first
    group: int | None = None

    @property
    def size(self) -> int:
        return len(self.items)


class _Cluster:
    __slots__ = ("group", "items", "last", "norm2", "sum")

    def __init__(self, group: int | None) -> None:
        self.sum: dict[str, float] = {}
        self.norm2 = 0.0
        self.items: list[int] = []
        self.last = 0
        self.group = group

    def add(self, index: int, vector: Vector, dot: float | None = None) -> None:
        if vector:
            if dot is None:
                dot = _dot(vector, self.sum)
            self.norm2 += 2 * dot + 1.0          # |S + v|² with |v| = 1
            total = self.sum
            for term, weight in vector.items():
                total[term] = total.get(term, 0.0) + weight
        self.items.append(index)

    def absorb(self, other: _Cluster) -> None:
        for term, weight in other.sum.items():
            self.sum[term] = self.sum.get(term, 0.0) + weight
        self.norm2 = sum(w * w for w in self.sum.values())
        self.items = sorted(self.items + other.items)


def _dot(vector: Vector, total: dict[str, float]) -> float:
    get = total.get
    dot = 0.0
    for term, weight in vector.items():
        other = get(term)
        if other is not None:
            dot += weight * other
    return dot


class _Tokenizer:
    """Stemmed content words (as retrieval uses them), remembering each word's stem (chat repeats words a
    lot) and how each stem is written, for naming topics."""

    def __init__(self) -> None:
        self._stems: dict[str, tuple[str, bool]] = {}    # word -> (stem or '' for stopwords, nameable)
        self._written: list[tuple[str, str]] = []         # (stem, word as written), once per use

    def __call__(self, text: str) -> list[str]:
        out = []
        stems, written = self._stems, self._written
        for word in words(text):
            known = stems.get(word)
            if known is None:
                digit = word[0].isdigit()
                token = word if digit else stem(word)
                if word in STOPWORDS or token in STOPWORDS:
                    token = ""
                known = stems[word] = (token, bool(token) and not digit and len(word) >= 3)
            if known[0]:
                out.append(known[0])
                if known[1]:
                    written.append((known[0], word))
        return out

    def surfaces(self) -> dict[str, str]:
        """Each stem's most frequent written form (ties: alphabetical)."""
        best: dict[str, tuple[int, str]] = {}
        for (token, word), n in Counter(self._written).items():
            known = best.get(token)
            if known is None or (-n, word) < (-known[0], known[1]):
                best[token] = (n, word)
        return {token: word for token, (_, word) in best.items()}


def find_topics(utterances: Sequence[Utterance], *, limit: int = 5, central: int = 2, terms: int = 3
                ) -> list[Topic]:
    """The `limit` largest topics that have something quotable, largest first (ties: earliest first), each
    named by up to `terms` words and with up to `central` representative utterances. A lone message is a
    topic only when no topic has two messages or more; a group (thread) is one whatever its size."""
    tokenize = _Tokenizer()
    docs = [tokenize(u.text) for u in utterances]
    vectors = tfidf_vectors(docs)
    quotable = [len(set(doc)) >= QUOTABLE_TOKENS for doc in docs]
    clusters = _cluster(utterances, vectors)
    clusters = _merge(clusters)
    eligible = [c for c in clusters if any(quotable[i] for i in c.items)]
    # A lone message is a topic only when nothing was discussed by two messages or more (a thread always is).
    eligible = [c for c in eligible if len(c.items) >= 2 or c.group is not None] or eligible
    ranked = sorted(eligible, key=lambda c: (-len(c.items), c.items[0]))[:limit]
    surfaces = tokenize.surfaces()
    return [Topic(c.items, _terms(c, vectors, surfaces, terms), _central(c, vectors, quotable, central), c.group)
            for c in ranked]


def _cluster(utterances: Sequence[Utterance], vectors: list[Vector]) -> list[_Cluster]:
    clusters: list[_Cluster] = []
    by_key: dict[int, _Cluster] = {}
    by_group: dict[int, _Cluster] = {}
    active: list[_Cluster] = []           # open flow topics, most recently used last
    previous: _Cluster | None = None      # the flow topic of the previous message
    position = 0
    for i, (u, vector) in enumerate(zip(utterances, vectors, strict=True)):
        if u.group is not None:
            cluster = by_group.get(u.group)
            if cluster is None:
                cluster = by_group[u.group] = _Cluster(u.group)
                clusters.append(cluster)
            cluster.add(i, vector)
        else:
            position += 1
            cluster, dot = _choose(u, vector, by_key, active, previous)
            if cluster is None:
                cluster = _Cluster(None)
                clusters.append(cluster)
            cluster.add(i, vector, dot)
            cluster.last = position
            if cluster in active:
                active.remove(cluster)
            active.append(cluster)
            if len(active) > ACTIVE_TOPICS or active[0].last < position - ACTIVE_SPAN:
                active = [c for c in active[-ACTIVE_TOPICS:] if c.last >= position - ACTIVE_SPAN]
            previous = cluster
        if u.key is not None:
            by_key[u.key] = cluster
    return clusters


def _choose(u: Utterance, vector: Vector, by_key: dict[int, _Cluster], active: list[_Cluster],
            previous: _Cluster | None) -> tuple[_Cluster | None, float | None]:
    """The flow topic a message joins (and its dot product with that topic's sum, when computed)."""
    if u.reply_to is not None:
        replied = by_key.get(u.reply_to)
        if replied is not None and replied.group is None:
            return replied, None
    if not vector:
        return previous, None
    best, best_sim, best_dot = None, 0.0, 0.0
    for cluster in active:
        if cluster.norm2 <= 0:
            continue
        dot = _dot(vector, cluster.sum)
        sim = dot / math.sqrt(cluster.norm2)
        if sim >= (CONTINUE if cluster is previous else JOIN) and sim >= best_sim:
            best, best_sim, best_dot = cluster, sim, dot
    return best, (best_dot if best is not None else None)


def _merge(clusters: list[_Cluster]) -> list[_Cluster]:
    """Merge the largest flow topics whose centroids point the same way (compared on their top terms)."""
    flow = sorted((c for c in clusters if c.group is None and len(c.items) >= 2),
                  key=lambda c: (-len(c.items), c.items[0]))[:MERGE_CANDIDATES]
    kept: list[tuple[_Cluster, Vector]] = []
    merged: set[int] = set()
    for cluster in flow:
        top = _unit(dict(sorted(cluster.sum.items(), key=lambda tw: -tw[1])[:CENTROID_TERMS]))
        target = max(kept, key=lambda kv: cosine(top, kv[1]), default=None)
        if target is not None and cosine(top, target[1]) >= MERGE:
            target[0].absorb(cluster)
            merged.add(id(cluster))
        else:
            kept.append((cluster, top))
    return [c for c in clusters if id(c) not in merged]


def _unit(vector: dict[str, float]) -> Vector:
    norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
    return {t: w / norm for t, w in vector.items()}


def _terms(cluster: _Cluster, vectors: list[Vector], surfaces: dict[str, str], count: int) -> list[str]:
    """The heaviest centroid terms shared by two messages or more (any term, for a one-message topic),
    as members usually wrote them."""
    candidates = [t for t, _ in sorted(cluster.sum.items(), key=lambda tw: (-tw[1], tw[0]))
                  if t in surfaces][:count * 6]
    if len(cluster.items) >= 2:
        shared = [t for t in candidates if sum(1 for i in cluster.items if t in vectors[i]) >= 2]
        candidates = shared
    return [surfaces[term] for term in candidates[:count]]


def _central(cluster: _Cluster, vectors: list[Vector], quotable: list[bool], count: int) -> list[int]:
    scored = sorted(((_dot(vectors[i], cluster.sum), i) for i in cluster.items if quotable[i]),
                    key=lambda si: (-round(si[0], 9), si[1]))
    chosen: list[int] = []
    for _, i in scored:
        if all(cosine(vectors[i], vectors[j]) < DUPLICATE for j in chosen):
            chosen.append(i)
            if len(chosen) == count:
                break
    return chosen
