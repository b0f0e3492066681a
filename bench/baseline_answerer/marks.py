"""The summariser helpers the frozen answerer used (copied from bot/extractive/summarizer.py)."""

from __future__ import annotations

import re

from bot.articles.model import Article

NAME = "extractive"

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


def other_language(language: str | None, article: Article) -> bool:
    """A language was asked for and the article is known to be in another one ("en-GB" counts as "en")."""
    if not language or not article.language:
        return False
    return language.split("-")[0].casefold() != article.language.split("-")[0].casefold()
