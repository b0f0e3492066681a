"""TF-IDF vectors and cosine similarity over token lists (sentences of an article, messages of a chat)."""

from __future__ import annotations

import math

Vector = dict[str, float]


def tfidf_vectors(docs: list[list[str]]) -> list[Vector]:
    """One unit-length vector per document; smoothed IDF, so a term found everywhere still counts a little.

    Plain dict counting and one IDF per term keep it linear and cheap for thousands of chat messages."""
    df: dict[str, int] = {}
    for doc in docs:
        for t in set(doc):
            df[t] = df.get(t, 0) + 1
    n = len(docs)
    idf = {t: math.log((n + 1) / (c + 1)) + 1.0 for t, c in df.items()}
    vectors = []
    for doc in docs:
        tf: dict[str, int] = {}
        for t in doc:
            tf[t] = tf.get(t, 0) + 1
        vec = {t: c * idf[t] for t, c in tf.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({t: v / norm for t, v in vec.items()})
    return vectors


def cosine(a: Vector, b: Vector) -> float:
    """Cosine of two unit vectors (their dot product), iterating over the shorter one."""
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())
