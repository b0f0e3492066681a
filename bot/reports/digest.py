"""The built-in digest of a conversation: its topics and most central messages, with no LLM."""

from __future__ import annotations

import re
from collections import Counter

from bot.extractive.text import STOPWORDS, content_tokens, words
from bot.extractive.tfidf import cosine, tfidf_vectors
from bot.util.text import clip, escape

_NOISE = re.compile(r"https?://\S+|<[@#:!&a-zA-Z0-9_]+>")   # links, mentions and custom emoji are not topics
_MIN_TOKENS = 3
QUOTE_CHARS = 140


def _quote(text: str) -> str:
    return "“" + escape(clip(" ".join(text.split()), QUOTE_CHARS)) + "”"


def extractive_digest(texts: list[str], *, quotes: int = 3, topics: int = 5) -> str:
    """Key topics and the most central messages, quoted briefly; deterministic, needs no LLM.

    Centrality is the summed TF-IDF cosine similarity of a message to all the others: messages that
    share the conversation's vocabulary represent it best. Near-duplicates are quoted once."""
    docs = [content_tokens(t) for t in texts]
    n = len(docs)
    if n == 0:
        return ""
    vectors = tfidf_vectors(docs)
    candidates = [i for i in range(n) if len(set(docs[i])) >= _MIN_TOKENS]
    centrality = {i: sum(cosine(vectors[i], vectors[j]) for j in candidates if j != i) for i in candidates}
    chosen: list[int] = []
    for i in sorted(candidates, key=lambda k: (-round(centrality[k], 9), k)):
        if all(cosine(vectors[i], vectors[j]) < 0.8 for j in chosen):
            chosen.append(i)
        if len(chosen) == quotes:
            break

    word_df: Counter[str] = Counter()
    for text in texts:
        word_df.update({w for w in words(_NOISE.sub(" ", text))
                        if len(w) >= 3 and not w[0].isdigit() and w not in STOPWORDS})
    key = [w for w, c in sorted(word_df.items(), key=lambda wc: (-wc[1], wc[0])) if c >= 2][:topics]
    parts = []
    if key:
        parts.append("Topics: " + ", ".join(escape(w) for w in key) + ".")
    if chosen:
        parts.append(" · ".join(_quote(texts[i]) for i in sorted(chosen)))
    return " ".join(parts) if parts else _quote(texts[-1])
