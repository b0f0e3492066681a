"""The fake OpenAI server's deterministic "model": plausible outputs built from the data in the prompt.

It recognises our prompt purposes (bot.llm.prompts task markers or JSON schema names) and answers the way a
well-behaved model would, so tests need no scripting for the happy path:
- summary: title from <metadata>, tldr and key points from the first sentences of <article> (or <notes>);
  with "format: interview" in the metadata it leaves the questions out, with "format: list" its points are
  the numbered items;
- notes (map step of map-reduce): the first sentences of the article part;
- answer: the numbered passage sharing most words with the question, quoting its best sentence verbatim,
  or answerable=false when the overlap is tiny. Like a real model it reads chat spellings and knows a few
  paraphrases (UNDERSTANDS: "tix" means tickets, "how much" asks a cost, a ticket's cost is its admission),
  which plain word matching (BM25) does not;
- search terms: the question's words with those paraphrases added;
- catchup: for each <conversation topic="N"> block, a title from the first words of its first message and a
  summary saying who spoke and what the first message said.
`hostile` switches to a badly behaved model: "invent_quote" quotes text that is not in the article,
"obey_injection" follows instructions found in the data (answers "HACKED" and pings @everyone).
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from bot.llm import prompts

Hostile = Literal["invent_quote", "obey_injection"] | None

INVENTED_QUOTE = "The council secretly voted to rename the moon after a local bakery."

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_WORD = re.compile(r"\w+", re.UNICODE)
STOPWORDS = frozenset("""
a an and are as at be been but by did do does for from had has have how i in is it its of on or so that the
their them then there these they this to was were what when where which who whom why will with would you your
about after again all also any because before can could into more most much not only other our out over own
same should some such than too very we he she his her him just may might must new one said says say
""".split())

# Moderation word list: phrase -> {category: score}.
MODERATION_RULES: dict[str, dict[str, float]] = {
    "kill you": {"violence": 0.93, "harassment": 0.81, "harassment/threatening": 0.88},
    "hurt you": {"violence": 0.74, "harassment/threatening": 0.7, "harassment": 0.62},
    "kill myself": {"self-harm": 0.91, "self-harm/intent": 0.89},
    "idiot": {"harassment": 0.71},
    "moron": {"harassment": 0.69},
    "hate you": {"harassment": 0.66},
    "buy drugs": {"illicit": 0.72},
    "nude pics": {"sexual": 0.84},
}
MODERATION_CATEGORIES = (
    "harassment", "harassment/threatening", "hate", "hate/threatening", "illicit", "illicit/violent",
    "self-harm", "self-harm/intent", "self-harm/instructions", "sexual", "sexual/minors", "violence",
    "violence/graphic",
)
_IMAGE_CATEGORIES = {"self-harm", "self-harm/intent", "self-harm/instructions", "sexual", "violence",
                     "violence/graphic"}


def sentences(text: str) -> list[str]:
    out: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        para = " ".join(para.split())
        out.extend(s.strip() for s in _SENTENCE_END.split(para) if s.strip())
    return out


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


# What the fake model "understands" beyond the words: chat spellings and paraphrases, as stems.
UNDERSTANDS: dict[str, set[str]] = {
    "tix": {"ticket"}, "ticket": {"admission", "entry"}, "cost": {"admission", "euro"}, "ppl": {"people"},
}


def understood(question: str) -> set[str]:
    words = content_words(question) | ({"cost"} if "how much" in question.lower() else set())
    out = set(words)
    for w in words:
        for other in UNDERSTANDS.get(w, set()):
            out |= {other} | UNDERSTANDS.get(other, set())
    return out


def content_words(text: str) -> set[str]:
    return {_stem(w) for w in (m.group(0).lower() for m in _WORD.finditer(text))
            if w not in STOPWORDS and (len(w) > 2 or w.isdigit())}


def tag_block(text: str, tag: str) -> str | None:
    """The content of the first <tag …>…</tag> block (our prompts always put it on its own lines)."""
    m = re.search(rf"<{tag}(?:\s[^>]*)?>\n(.*?)\n</{tag}>", text, re.DOTALL)
    return m.group(1) if m else None


def purpose_of(body: dict[str, Any]) -> str | None:
    fmt = body.get("response_format") or {}
    name = (fmt.get("json_schema") or {}).get("name") if fmt.get("type") == "json_schema" else None
    by_name = {prompts.SUMMARY_SCHEMA_NAME: "summary", prompts.NOTES_SCHEMA_NAME: "notes",
               prompts.ANSWER_SCHEMA_NAME: "answer", prompts.SEARCH_SCHEMA_NAME: "search",
               prompts.CATCHUP_SCHEMA_NAME: "catchup"}
    if name in by_name:
        return by_name[name]
    system = " ".join(str(m.get("content", "")) for m in body.get("messages", []) if m.get("role") == "system")
    for marker, purpose in ((prompts.TASK_SUMMARY, "summary"), (prompts.TASK_NOTES, "notes"),
                            (prompts.TASK_ANSWER, "answer"), (prompts.TASK_SEARCH, "search"),
                            (prompts.TASK_CATCHUP, "catchup")):
        if marker in system:
            return purpose
    return None


def _last_user(body: dict[str, Any]) -> str:
    users = [m for m in body.get("messages", []) if m.get("role") == "user"]
    content = users[-1].get("content", "") if users else ""
    if isinstance(content, list):  # content parts
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return str(content)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def summary(body: dict[str, Any], hostile: Hostile) -> dict[str, Any]:
    user = _last_user(body)
    if hostile == "obey_injection":
        return {"title": "HACKED", "tldr": "HACKED @everyone <@123456789012345678>",
                "key_points": ["HACKED", "@here HACKED again", "<@&42> ping"]}
    meta = tag_block(user, "metadata") or ""
    title_match = re.search(r"^title: (.+)$", meta, re.MULTILINE)
    notes = tag_block(user, "notes")
    if notes is not None:
        sents = [line.lstrip("-• ").strip() for line in notes.splitlines()
                 if line.strip() and not line.startswith("Part ")]
    else:
        sents = sentences(tag_block(user, "article") or user)
    form = re.search(r"^format: (\w+)$", meta, re.MULTILINE)
    if form and form.group(1) == "interview":   # a well-behaved model summarises the answers
        sents = [s for s in sents if not s.endswith("?") and not re.match(r"(?:Q|Question)\s*[:.]", s)]
    items = re.findall(r"(?m)^\s*\d{1,2}[.)]\s+(.+)$", tag_block(user, "article") or "")
    sents = sents or ["The article is empty."]
    title = title_match.group(1) if title_match else _clip(sents[0], 80)
    if form and form.group(1) == "list" and items:
        return {"title": title, "tldr": _clip(sents[0], 300), "key_points": items[:10]}
    points = [_clip(s, 200) for s in sents[1:6]] or [sents[0]]
    while len(points) < 3:
        points.append(points[-1])  # the provider must de-duplicate these
    return {"title": title, "tldr": _clip(sents[0], 300), "key_points": points[:5]}


def notes(body: dict[str, Any]) -> dict[str, Any]:
    sents = sentences(tag_block(_last_user(body), "article") or "")
    return {"notes": [_clip(s, 200) for s in sents[:3]]}


def parse_passages(block: str) -> list[tuple[int, str]]:
    parts = re.split(r"(?m)^\[(\d+)\] ", block)
    return [(int(parts[i]), parts[i + 1].strip()) for i in range(1, len(parts) - 1, 2)]


def answer(body: dict[str, Any], hostile: Hostile) -> dict[str, Any]:
    user = _last_user(body)
    passages = parse_passages(tag_block(user, "passages") or "")
    question = tag_block(user, "question") or ""
    if hostile == "obey_injection":
        return {"answerable": True, "answer": "HACKED", "citations": [1], "quotes": ["HACKED"]}
    q_words = understood(question)
    scored = [(len(q_words & content_words(text)), n, text) for n, text in passages]
    if not scored or not q_words:
        return {"answerable": False, "answer": "", "citations": [], "quotes": []}
    overlap, number, text = max(scored, key=lambda item: (item[0], -item[1]))
    if overlap < min(2, len(q_words)):
        return {"answerable": False, "answer": "", "citations": [], "quotes": []}
    best = max(sentences(text), key=lambda s: len(q_words & content_words(s)))
    quote = INVENTED_QUOTE if hostile == "invent_quote" else best
    return {"answerable": True, "answer": f"According to the article: {best}", "citations": [number],
            "quotes": [quote]}


def search(body: dict[str, Any]) -> dict[str, Any]:
    question = tag_block(_last_user(body), "question") or ""
    return {"terms": sorted(understood(question))[:10]}


def catchup(body: dict[str, Any], hostile: Hostile) -> dict[str, Any]:
    topics = []
    for number, block in re.findall(r'<conversation topic="(\d+)">\n(.*?)\n</conversation>', _last_user(body),
                                    re.DOTALL):
        lines = [line for line in block.splitlines() if ": " in line]
        speakers = sorted({line.split(": ", 1)[0] for line in lines})
        first = lines[0].split(": ", 1)[1] if lines else ""
        title = "HACKED @everyone" if hostile == "obey_injection" else "Talk of " + " ".join(first.split()[:4])
        topics.append({"topic": int(number), "title": title,
                       "summary": f"{', '.join(speakers)} discussed this: {_clip(first, 120)}"})
    return {"topics": topics}


def schema_filler(schema: dict[str, Any]) -> Any:
    """A minimal value matching a JSON schema (for schemas the brain does not know)."""
    kind = schema.get("type")
    if kind == "object":
        return {k: schema_filler(v) for k, v in schema.get("properties", {}).items()}
    if kind == "array":
        return [schema_filler(schema.get("items", {})) for _ in range(schema.get("minItems", 0))]
    return {"string": "fake", "integer": 1, "number": 1.0, "boolean": True}.get(str(kind))


def complete(body: dict[str, Any], hostile: Hostile) -> str:
    """The assistant message content for a chat request."""
    purpose = purpose_of(body)
    fmt = body.get("response_format") or {}
    data: Any
    if purpose == "summary":
        data = summary(body, hostile)
    elif purpose == "notes":
        data = notes(body)
    elif purpose == "answer":
        data = answer(body, hostile)
    elif purpose == "search":
        data = search(body)
    elif purpose == "catchup":
        data = catchup(body, hostile)
    elif fmt.get("type") == "json_schema":
        data = schema_filler((fmt.get("json_schema") or {}).get("schema") or {"type": "object"})
    elif fmt.get("type") == "json_object":
        data = {"reply": f"Echo: {_clip(_last_user(body), 200)}"}
    else:
        return f"Echo: {_clip(_last_user(body), 200)}"
    text = json.dumps(data, ensure_ascii=False)
    if fmt.get("type") in ("json_schema", "json_object"):
        return text
    # No structured output requested: answer like a chatty model, JSON in a fence with prose around it.
    pretty = json.dumps(data, ensure_ascii=False, indent=2)
    return f"Sure! Here is the result:\n```json\n{pretty}\n```\nHope this helps."


def moderate(text: str) -> dict[str, Any]:
    lowered = text.lower()
    scores = {cat: 0.0001 for cat in MODERATION_CATEGORIES}
    for phrase, hits in MODERATION_RULES.items():
        if phrase in lowered:
            for cat, score in hits.items():
                scores[cat] = max(scores[cat], score)
    categories = {cat: score >= 0.5 for cat, score in scores.items()}
    applied = {cat: (["text", "image"] if cat in _IMAGE_CATEGORIES else ["text"]) for cat in MODERATION_CATEGORIES}
    return {"flagged": any(categories.values()), "categories": categories, "category_scores": scores,
            "category_applied_input_types": applied}
