"""Is the page only a teaser (paywall, login wall)? Decided from evidence, never from a short text alone:
a complete three-sentence brief is an article.

A page is a teaser when
(a) it declares its content locked (JSON-LD isAccessibleForFree=false, or article:content_tier=locked)
    and the readable text is cut: under 150 words, or under 300 when a wall prompt sits next to it or
    the page declares a length half as long again (JSON-LD wordCount or articleBody);
(b) the rest of the body is in the page but hidden, right next to the visible part of it; or
(c) a paywall prompt (a wall element with words, or a "subscribe to continue reading" phrase) sits next
    to a readable text under 150 words.
"Next to" means in the article's own container (see _next_to_body): a "subscribers only" label on a
related link or a hidden cookie dialog elsewhere says nothing about this article. Many free pages carry
an empty paywall container in their template, and a full text served with isAccessibleForFree=false is
still a full text: signs alone decide nothing.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

from lxml.etree import _Element

from bot.articles.consensus import body_shingles, shingles, tokens
from bot.articles.htmlclean import is_hidden, text_of, words

logger = logging.getLogger(__name__)

LOCKED_MAX_WORDS = 150       # declared locked and fewer readable words than this: the body was cut
LOCKED_CUT_MAX_WORDS = 300   # up to this many when the page also shows the cut (see teaser_reasons)
WALL_MAX_WORDS = 150         # a paywall prompt next to the body and fewer readable words than this
HIDDEN_BODY_MAX_WORDS = 120  # with a hidden remainder of the body, fewer words than this is a teaser
_HIDDEN_MIN_WORDS = 30       # hidden blocks shorter than this are widgets, not a body's remainder
_NEAR_LEVELS = 3             # how far up from a wall or a hidden block the article's container may be
_MAX_CHECKS = 20             # wall elements and phrases looked at (each costs a walk of its surroundings)
_SKIP = ("script", "style", "noscript", "template", "head")

_WALL_CLASS = re.compile(
    r"(?:^|[\s_-])(?<!non-)(?<!no-)(?:paywall\w*|pay-wall|regwall|registration-wall|login-?wall|meter-?wall"
    r"|metered-content|subscribers?-only|subscriber-content|premium-(?:content|article|lock\w*)|locked-content"
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
    r"|register (?:for free )?to (?:read|continue)"
    r"|suscr[ií]bete para (?:seguir|continuar) leyendo|contenido (?:exclusivo )?para suscriptores"
    r"|abonnez-vous pour lire la suite|réservé aux abonnés|weiterlesen mit \w+|nur für abonnenten"
    r"|assine para continuar lendo|riservato agli abbonati",
    re.I,
)


def teaser_reasons(tree: _Element, paragraphs: list[str]) -> list[str]:
    """Why the page with this extracted text is only a teaser (empty list: it is not)."""
    hidden = _hidden_blocks(tree)
    hidden_grams = body_shingles(text_of(el) for el in hidden)
    visible = [p for p in paragraphs if not _mostly_in(p, hidden_grams)]
    count = words(" ".join(visible))
    if count >= LOCKED_CUT_MAX_WORDS:
        return []
    body = body_shingles(visible)
    locked = locked_by_metadata(tree)
    walls = wall_signs(tree, body) if locked or count < WALL_MAX_WORDS else []
    reasons: list[str] = []
    if locked:
        declared = declared_words(tree)
        if count < LOCKED_MAX_WORDS or walls or declared >= 1.5 * max(count, 1):
            reasons.append(f"declared locked, {count} readable words" + (f" of {declared}" if declared else ""))
    if count < HIDDEN_BODY_MAX_WORDS and hidden:
        remainder = sum(words(text_of(el)) for el in hidden if _next_to_body(el, body))
        if remainder >= max(60, 2 * count):
            reasons.append(f"{remainder} hidden words next to {count} visible ones")
    if count < WALL_MAX_WORDS:
        reasons.extend(f"{sign} next to {count} readable words" for sign in walls)
    if reasons:
        logger.info("teaser: %s", "; ".join(reasons))
    return reasons


def declared_words(tree: _Element) -> int:
    """The article's length as its JSON-LD declares it (wordCount, or the articleBody), 0 if unknown."""
    best = 0
    for obj in _json_ld_objects(tree):
        count = obj.get("wordCount")
        if isinstance(count, (int, str)) and str(count).strip().isdigit():
            best = max(best, int(str(count).strip()))
        body = obj.get("articleBody")
        if isinstance(body, str):
            best = max(best, words(body))
    return best


def locked_by_metadata(tree: _Element) -> bool:
    """The page says in machine-readable metadata that its content is for paying readers."""
    if any(_locked(obj) for obj in _json_ld_objects(tree)):
        return True
    for meta in tree.iter("meta"):
        prop = (meta.get("property") or meta.get("name") or "").lower()
        if prop == "article:content_tier" and (meta.get("content") or "").lower() == "locked":
            return True
    return False


def wall_signs(tree: _Element, body: set[int]) -> list[str]:
    """Paywall prompts next to the article body (`body`: shingles of its visible text): a wall element
    with words in it, or a wall phrase. Elsewhere (a "subscribers only" label on a related link, an
    empty container in the template) they say nothing about this article."""
    signs: list[str] = []
    walls = (el for el in tree.xpath(".//*[@class or @id]") if el.tag not in _SKIP)
    marked = (el for el in walls if _WALL_CLASS.search(f"{el.get('class') or ''} {el.get('id') or ''}"))
    for el in itertools.islice((el for el in marked if text_of(el).strip()), _MAX_CHECKS):
        if _next_to_body(el, body):
            marks = " ".join(f"{el.get('class') or ''} {el.get('id') or ''}".split())
            signs.append(f"wall element <{el.tag} {marks[:60]!r}>")
            break
    checked = 0
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in _SKIP:
            continue
        for text, owner in ((el.text, el), (el.tail, el.getparent())):
            match = _WALL_PHRASES.search(text) if text else None
            if match and owner is not None and checked < _MAX_CHECKS:
                checked += 1
                if _next_to_body(owner, body):
                    return [*signs, f"phrase {match.group(0)!r}"]
    return signs


def _hidden_blocks(tree: _Element) -> list[_Element]:
    """The outermost hidden elements that hold paragraphs of some length."""
    found: list[_Element] = []
    seen: set[_Element] = set()
    for el in tree.xpath(".//*[@hidden or @style]"):
        if el.tag in _SKIP or not is_hidden(el):
            continue
        if any(a.tag in _SKIP or a in seen for a in el.iterancestors()):
            continue
        seen.add(el)
        if (el.tag == "p" or el.find(".//p") is not None) and words(text_of(el)) >= _HIDDEN_MIN_WORDS:
            found.append(el)
    return found


def _next_to_body(el: _Element, body: set[int]) -> bool:
    """Whether `el` sits in the article's container: an ancestor a few levels up (not the whole page)
    holds most of the visible body, and the body is a large part of what it visibly holds."""
    if not body:
        return False
    for ancestor in list(el.iterancestors())[:_NEAR_LEVELS]:
        if ancestor.tag in ("html", "body"):
            return False
        held = shingles(tokens(" ".join(_visible_text(ancestor))))
        shared = len(held & body)
        if shared >= 0.5 * len(body):
            return shared >= 0.4 * len(held)
    return False


def _mostly_in(text: str, grams: set[int]) -> bool:
    own = shingles(tokens(text))
    return bool(own) and len(own & grams) >= 0.5 * len(own)


def _visible_text(root: _Element) -> Iterator[str]:
    """The text under `root` that a reader sees (no scripts, no hidden elements), in document order."""
    stack: list[_Element | str] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
            continue
        if item is not root and (not isinstance(item.tag, str) or item.tag in _SKIP or is_hidden(item)):
            continue
        if item.text and item.text.strip():
            yield item.text
        for child in reversed(item):
            if child.tail and child.tail.strip():
                stack.append(child.tail)
            stack.append(child)


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
