"""The shape of an article's text: a Q&A interview, a numbered list, or ordinary prose.

An interview's questions are the interviewer's words, not the article's substance; a list article's
substance is its items. Both are recognised from the layout of the paragraphs, not from words: a run of
short paragraphs ending in "?" each followed by an answer (or "Q:"/"A:" and "Name:" labels), and items
numbered 1, 2, 3… at the start of their lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

_PARA = re.compile(r"\n[ \t\r\f\v]*\n")
_Q_LABEL = re.compile(r"^(?:Q|Question)\s*[:.\-–—]\s*")
_A_LABEL = re.compile(r"^(?:A|Answer)\s*[:.\-–—]\s*")
_SPEAKER = re.compile(r"^([A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,2})\s*:\s+(?=\S)")
_NUMBERED = re.compile(r"^[ \t]*(\d{1,2})[.)]\s+(\S.*)$", re.MULTILINE)
_QUESTION_END = re.compile(r"\?[\"'”’)\]]*$")


@dataclass(frozen=True, slots=True)
class Paragraph:
    start: int     # offsets into the text
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Item:
    start: int     # offsets of the item's own line (after its number)
    end: int
    text: str      # the item line without its number ("Walk the old sea wall")
    detail: str    # the first paragraph after it, if it is not another item ("" otherwise)


@dataclass(frozen=True, slots=True)
class Layout:
    kind: str = "prose"                                   # "prose", "interview" or "list"
    questions: tuple[Paragraph, ...] = ()                 # an interview's questions
    labels: dict[int, int] = field(default_factory=dict)  # paragraph start -> length of its "A:"/"Name:" label
    items: tuple[Item, ...] = ()                          # a list article's items, in order
    intro_end: int = 0                                    # where the first question or item starts


def paragraphs(text: str) -> list[Paragraph]:
    out, pos = [], 0
    for m in [*_PARA.finditer(text), None]:
        stop = m.start() if m else len(text)
        chunk = text[pos:stop]
        lead = len(chunk) - len(chunk.lstrip())
        body = chunk.strip()
        if body:
            out.append(Paragraph(pos + lead, pos + lead + len(body), body))
        pos = m.end() if m else len(text)
    return out


def _is_question(p: Paragraph) -> bool:
    return bool(_Q_LABEL.match(p.text)) or (bool(_QUESTION_END.search(p.text)) and len(p.text.split()) <= 60)


def _interview(paras: list[Paragraph]) -> Layout | None:
    labelled = [p for p in paras if _Q_LABEL.match(p.text)]
    speakers: dict[str, list[Paragraph]] = {}
    for p in paras:
        m = _SPEAKER.match(p.text)
        if m and not _Q_LABEL.match(p.text) and not _A_LABEL.match(p.text):
            speakers.setdefault(m.group(1), []).append(p)
    questions: list[Paragraph] = []
    if len(labelled) >= 2:
        questions = labelled
    elif len([s for s in speakers.values() if len(s) >= 2]) >= 2:
        asking = max(speakers, key=lambda s: sum(_QUESTION_END.search(p.text) is not None for p in speakers[s]))
        if sum(_QUESTION_END.search(p.text) is not None for p in speakers[asking]) >= 2:
            questions = speakers[asking]
    else:     # unlabelled: short questions, each answered by the paragraph after it
        questions = [p for i, p in enumerate(paras[:-1]) if _is_question(p) and not _is_question(paras[i + 1])]
        if len(questions) < 3 or len(questions) < len(paras) / 5:
            return None
    if len(questions) < 2:
        return None
    asked = {q.start for q in questions}
    labels: dict[int, int] = {}
    for p in paras:
        if p.start in asked:
            continue
        m = _A_LABEL.match(p.text) or _SPEAKER.match(p.text)
        if m:
            labels[p.start] = m.end()
    return Layout(kind="interview", questions=tuple(questions), labels=labels, intro_end=questions[0].start)


def _numbered(text: str, paras: list[Paragraph]) -> Layout | None:
    """Items numbered 1, 2, 3… (or counting down) at the start of their own line."""
    found = [(int(m.group(1)), m.start(2), m.end(2), m.group(2).strip()) for m in _NUMBERED.finditer(text)]
    if len(found) < 3:
        return None
    numbers = [n for n, *_ in found]
    steps = {b - a for a, b in pairwise(numbers)}
    if steps not in ({1}, {-1}):
        return None
    items = []
    for n, (_, start, end, line) in enumerate(found):
        nxt = next((p for p in paras if p.start > end), None)
        is_item = nxt is not None and n + 1 < len(found) and nxt.start >= found[n + 1][1] - 4
        items.append(Item(start, end, line, "" if nxt is None or is_item else nxt.text))
    return Layout(kind="list", items=tuple(items), intro_end=found[0][1])


def analyse(text: str) -> Layout:
    """The layout of an (already cleaned) article text."""
    paras = paragraphs(text)
    return _numbered(text, paras) or _interview(paras) or Layout()
