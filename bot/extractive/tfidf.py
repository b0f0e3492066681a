"""TF-IDF vectors and cosine similarity over token lists (sentences of an article, messages of a chat)."""

from __future__ import annotations

import math
from collections import Counter

Vector = dict[str, float]


def tfidf_vectors(docs: list[list[str]]) -> list[Vector]:
    """One unit-length vector per document; smoothed IDF, so a term found everywhere still counts a little."""
    df = Counter(t for doc in docs for t in set(doc))
    n = len(docs)
    vectors = []
    for doc in docs:
        tf = Counter(doc)
        vec = {t: c * (math.log((n + 1) / (df[t] + 1)) + 1.0) for t, c in tf.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({t: v / norm for t, v in vec.items()})
    return vectors


def cosine(a: Vector, b: Vector) -> float:
    """Cosine of two unit vectors (their dot product), iterating over the shorter one."""
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())
