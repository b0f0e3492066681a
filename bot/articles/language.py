"""Cheap language detection: what the page declares, checked by a stopword count (no models, no downloads)."""

from __future__ import annotations

import re
from collections import Counter

_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the and of to in is that it was for on with as he she they at by from this have are "
                    "had has were be not but which their said would will an".split()),
    "es": frozenset("el la de que y en los las del se por un una con para es su al lo como más pero sus "
                    "le ha fue este esta son entre cuando muy sin".split()),
    "fr": frozenset("le la les de des et en du un une est que qui dans pour pas sur au avec il elle ce "
                    "sont ont été mais aux plus par".split()),
    "de": frozenset("der die das und ist nicht ein eine zu den von mit sich des auf für im dem auch es "
                    "an werden aus er sie hat wurde sind".split()),
    "pt": frozenset("o a os as de do da dos das e em um uma que para com não no na por mais se foi ao "
                    "ele ela são como mas tem".split()),
    "it": frozenset("il lo la gli le di e che un una per non con del della nel nella sono è da si al "
                    "anche ha come ma più questo".split()),
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def guess_language(text: str, *, sample_words: int = 2000) -> tuple[str | None, float]:
    """(ISO 639-1 code, confidence 0..1) for en/es/fr/de/pt/it, or (None, 0) when unsure."""
    tokens = [w.lower() for w in _WORD.findall(text)[:sample_words]]
    if len(tokens) < 8:
        return None, 0.0
    scores = Counter({lang: sum(1 for t in tokens if t in words) for lang, words in _STOPWORDS.items()})
    ranked = scores.most_common(2)
    best, best_hits = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    share = best_hits / len(tokens)
    if best_hits < 4 or share < 0.08 or best_hits < 1.4 * runner_up:
        return None, 0.0
    return best, min(1.0, share * 3) * (1 - runner_up / best_hits)


def normalise_code(value: str | None) -> str | None:
    """'en-US', 'es_ES', 'pt-br' -> 'en', 'es', 'pt'; junk -> None."""
    if not value:
        return None
    code = re.split(r"[-_\s]", value.strip().lower(), maxsplit=1)[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def choose_language(declared: str | None, text: str) -> str | None:
    """The declared language unless the text clearly reads as another one we know (templates often
    keep lang="en" whatever the article's language)."""
    guessed, confidence = guess_language(text)
    code = normalise_code(declared)
    if code is None:
        return guessed
    if guessed and guessed != code and code in _STOPWORDS and confidence >= 0.3:
        return guessed
    return code
