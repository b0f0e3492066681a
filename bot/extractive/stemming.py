"""Word stems for matching a question to an article, with the Snowball stemmers of the languages we accept.

snowballstemmer is pure Python and ships its algorithms (nothing is downloaded). English also gets its common
irregular verbs ("won" meets "win", "paid" meets "pay"), which no suffix stemmer can see, and spelled-out
numbers become digits in every language we know them for ("seven months" meets "7 months").
"""

from __future__ import annotations

import functools
import re

import snowballstemmer

_ALGORITHMS = {"en": "english", "es": "spanish", "fr": "french", "de": "german", "pt": "portuguese",
               "it": "italian"}

_IRREGULAR_EN = {
    "won": "win", "stole": "steal", "stolen": "steal", "took": "take", "taken": "take", "fell": "fall",
    "fallen": "fall", "rose": "rise", "risen": "rise", "paid": "pay", "spent": "spend", "sold": "sell",
    "bought": "buy", "built": "build", "began": "begin", "begun": "begin", "left": "leave", "lost": "lose",
    "found": "find", "gave": "give", "given": "give", "made": "make", "held": "hold", "met": "meet",
    "ran": "run", "struck": "strike", "told": "tell", "said": "say", "chose": "choose", "chosen": "choose",
    "brought": "bring", "caught": "catch", "went": "go", "gone": "go", "grew": "grow", "grown": "grow",
    "led": "lead", "knew": "know", "known": "know", "wrote": "write", "written": "write", "broke": "break",
    "broken": "break", "thought": "think", "kept": "keep", "felt": "feel", "drove": "drive", "driven": "drive",
    "drew": "draw", "drawn": "draw", "died": "die", "dying": "die", "shot": "shoot", "hurt": "hurt",
    "sent": "send", "spoke": "speak", "spoken": "speak", "stood": "stand", "sat": "sit", "bore": "bear",
    "born": "bear", "swept": "sweep", "fought": "fight", "sought": "seek", "taught": "teach", "wore": "wear",
    "children": "child", "people": "person", "women": "woman", "men": "man", "feet": "foot", "mice": "mouse",
}

# Spelled-out numbers read as digits on both sides of a match.
_NUMBERS = {
    "en": "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
          "sixteen seventeen eighteen nineteen twenty",
    "es": "cero uno dos tres cuatro cinco seis siete ocho nueve diez",
    "fr": "zéro un deux trois quatre cinq six sept huit neuf dix",
    "de": "null eins zwei drei vier fünf sechs sieben acht neun zehn",
    "pt": "zero um dois três quatro cinco seis sete oito nove dez",
    "it": "zero uno due tre quattro cinque sei sette otto nove dieci",
}
_TENS_EN = {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
            "hundred": 100, "thousand": 1000}
NUMBER_WORDS: dict[str, dict[str, int]] = {
    lang: {w: i for i, w in enumerate(ws.split())} for lang, ws in _NUMBERS.items()}
NUMBER_WORDS["en"].update(_TENS_EN)
# "one" is a pronoun as often as a number ("the new one"): it stays a word.
_NOT_NUMBERS = frozenset({"one", "un", "uno", "um", "eins"})
_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)?")


def language_of(code: str | None) -> str:
    """The stemmer's language for an ISO code; English when unknown."""
    base = (code or "en").split("-")[0].casefold()
    return base if base in _ALGORITHMS else "en"


@functools.cache
def _stemmer(lang: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(_ALGORITHMS[lang])


def number_value(word: str, lang: str = "en") -> str | None:
    """A number token or spelled-out number as plain digits ("2,300" -> "2300", "seven" -> "7"), else None."""
    w = word.casefold()
    if _DIGITS.fullmatch(w):
        return w.replace(",", "")
    value = NUMBER_WORDS.get(language_of(lang), {}).get(w)
    return None if value is None or w in _NOT_NUMBERS else str(value)


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str, lang: str = "en") -> str:
    """The stem of one casefolded word; numbers (digits or words) stem to their digits."""
    lang = language_of(lang)
    w = word.casefold().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if (number := number_value(w, lang)) is not None:
        return number
    if len(w) > 2 and w[-1] == "s" and w[-2].isdigit():   # "M90s", "1990s"
        return w[:-1]
    if lang == "en":
        w = _IRREGULAR_EN.get(w, w)
    return str(_stemmer(lang).stemWord(w))
