"""Signs that a page only shows a teaser: paywalls, login walls, truncated bodies.

A sign alone is not enough (many free pages carry an empty paywall container in their template, and a
full text served with isAccessibleForFree=false is still a full text): the extracted text must also
be short. See `is_teaser`.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any

from lxml.etree import _Element

from bot.articles.htmlclean import is_hidden, words

logger = logging.getLogger(__name__)

STRONG_SIGN_MAX_WORDS = 300   # with a paywall sign, fewer words than this is a teaser
HIDDEN_BODY_MAX_WORDS = 120   # with a hidden remainder of the body, fewer words than this is a teaser

_WALL_CLASS = re.compile(
    r"(?:^|[\s_-])(?:paywall\w*|pay-wall|regwall|registration-wall|login-?wall|meter-?wall|metered-content"
    r"|subscribers?-only|subscriber-content|premium-(?:content|article|lock\w*)|locked-content"
    r"|content-locked|article-locked|piano-(?:inline|offer|paywall)|tp-modal|truncated-(?:article|body))"
    r"(?=$|[\s_-])",
    re.I,
)
_WALL_PHRASES = re.compile(
    r"subscribe (?:now )?to (?:continue|keep) reading|subscribe to read|to continue reading,? (?:please )?"
    r"(?:subscribe|log ?in|sign ?in|register)|this (?:content|article|story) is (?:only )?(?:for|available "
    r"to|reserved for) (?:subscribers|members|premium)|already a subscriber\?|(?:log|sign) in to "
    r"(?:continue|read the full|keep) reading|you have reached your (?:limit|free article limit|monthly "
    r"limit)|become a member to (?:continue|read)|create a free account to (?:continue|read)"
    r"|suscr[ií]bete para (?:seguir|continuar) leyendo|contenido (?:exclusivo )?para suscriptores"
    r"|abonnez-vous pour lire la suite|réservé aux abonnés|weiterlesen mit \w+|nur für abonnenten"
    r"|assine para continuar lendo|riservato agli abbonati",
    re.I,
)


def paywall_signs(tree: _Element) -> list[str]:
    """Names of the strong paywall signs on the page (empty when there are none)."""
    signs: list[str] = []
    if any(_locked(obj) for obj in _json_ld_objects(tree)):
        signs.append("json-ld isAccessibleForFree=false")
    for meta in tree.iter("meta"):
        prop = (meta.get("property") or meta.get("name") or "").lower()
        if prop == "article:content_tier" and (meta.get("content") or "").lower() == "locked":
            signs.append("content_tier=locked")
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        marks = f"{el.get('class') or ''} {el.get('id') or ''}"
        # Empty wall containers sit in many free pages' templates; only walls with words count.
        if _WALL_CLASS.search(marks) and " ".join(el.itertext()).strip():
            signs.append(f"wall element <{el.tag} {marks.strip()!r}>")
            break
    visible = " ".join(t for t in _visible_text(tree))
    match = _WALL_PHRASES.search(visible)
    if match:
        signs.append(f"phrase {match.group(0)!r}")
    return signs


def hidden_body_words(tree: _Element) -> int:
    """Words inside hidden elements within the article area (a remainder kept from the reader)."""
    total = 0
    for el in tree.iter():
        if isinstance(el.tag, str) and el.tag not in ("script", "style", "template") and is_hidden(el):
            if el.xpath("ancestor::*[self::script or self::template or self::noscript]"):
                continue
            if el.xpath(".//p") or el.tag == "p":
                total += words(" ".join(el.itertext()))
    return total


def is_teaser(tree: _Element, extracted_words: int) -> list[str]:
    """Why the page looks like a teaser (empty list: it does not)."""
    if extracted_words >= STRONG_SIGN_MAX_WORDS:
        return []  # both rules need a short text; skip the page scan
    reasons: list[str] = []
    signs = paywall_signs(tree)
    if signs and extracted_words < STRONG_SIGN_MAX_WORDS:
        reasons.extend(signs)
    hidden = hidden_body_words(tree)
    if extracted_words < HIDDEN_BODY_MAX_WORDS and hidden >= max(60, 2 * extracted_words):
        reasons.append(f"{hidden} hidden words")
    if reasons:
        logger.info("teaser: %d words extracted; %s", extracted_words, "; ".join(reasons))
    return reasons


def _visible_text(tree: _Element) -> Iterator[str]:
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "noscript", "template", "head"):
            continue
        if el.text and el.text.strip():
            yield el.text
        if el.tail and el.tail.strip():
            yield el.tail


def json_ld(tree: _Element) -> list[Any]:
    """Parsed JSON-LD blocks (broken ones are skipped)."""
    out = []
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            out.append(json.loads(script.text))
        except ValueError:
            continue
    return out


def _json_ld_objects(tree: _Element) -> Iterator[dict[str, Any]]:
    stack: list[Any] = json_ld(tree)
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            yield item
            stack.extend(v for v in item.values() if isinstance(v, (list, dict)))


def _locked(obj: dict[str, Any]) -> bool:
    value = obj.get("isAccessibleForFree")
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")
