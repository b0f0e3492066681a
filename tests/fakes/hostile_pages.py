"""Pages and rules written to cost the bot as much CPU as they can, for tests and `python -m bench loop_stall`.

Each `HostileCase` says what is served (body, Content-Type) and what the bot is asked to do with it:
summarise the link, answer a question about it, or check messages against an admin's flag rule. All text is
generated here (no fixture sentences).
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field
from typing import Literal

Action = Literal["summarize", "ask", "rules"]

_WORDS = ("harbour council ferry budget lighthouse engineer tunnel orchard market festival library museum "
          "station river bridge storm pilot nurse teacher mayor village island timber copper garden "
          "signal archive bakery courier harvest meadow quarry canal beacon workshop").split()
_VERBS = "approved delayed rebuilt measured opened inspected funded repaired painted moved".split()


def article_sentences(count: int, *, seed: int = 7) -> list[str]:
    """Plain, varied news-like sentences (deterministic)."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        a, b, c = rng.sample(_WORDS, 3)
        out.append(f"The {a} committee {rng.choice(_VERBS)} the {b} plan for the {c} district "
                   f"after {rng.randint(2, 90)} days of review, officials said in report {i}.")
    return out


def article_html(sentences: list[str], *, title: str = "A long report", per_paragraph: int = 5,
                 head: str = "") -> str:
    paragraphs = ["<p>" + " ".join(sentences[i:i + per_paragraph]) + "</p>"
                  for i in range(0, len(sentences), per_paragraph)]
    return (f"<!doctype html><html><head>{head}<title>{title}</title></head><body><article><h1>{title}</h1>"
            + "\n".join(paragraphs) + "</article></body></html>")


def shared_stream_pdf(*, pages: int = 150, content_bytes: int = 6_000_000) -> bytes:
    """A small PDF (about 45 KB) whose pages all draw the same compressed content stream of `content_bytes`:
    a reader that extracts every page parses the stream `pages` times."""
    line = b"BT /F1 11 Tf 56 770 Td (" + b"Lorem ipsum dolor sit amet " * 40 + b") Tj ET\n"
    stream = zlib.compress(line * (content_bytes // len(line)), 9)
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: ("<< /Type /Pages /Kids [" + " ".join(f"{5 + i} 0 R" for i in range(pages))
            + f"] /Count {pages} >>").encode(),
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        4: b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
    }
    for i in range(pages):
        objects[5 + i] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                          b"/Resources << /Font << /F1 3 0 R >> >> >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for oid in sorted(objects):
        offsets[oid] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (oid, objects[oid])
    xref, size = len(out), max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(b"%010d 00000 n \n" % offsets[oid] for oid in range(1, size))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def punycode_page(size: int = 600_000, *, in_meta: bool = False) -> bytes:
    """A readable article followed by a run of base-36 digits: decoded as punycode (quadratic in Python) it
    takes seconds per 100 KB; read as the ASCII it is, it is an ordinary page."""
    head = '<meta charset="punycode">' if in_meta else ""
    page = article_html(article_sentences(40), title="Ferry timetable changes", head=head).encode()
    return page + b"\n-" + b"a" * max(0, size - len(page) - 2)   # punycode decodes what follows the last "-"


def nested_html(depth: int = 200_000) -> bytes:
    body = "<div>" * depth + "<p>" + " ".join(article_sentences(30)) + "</p>" + "</div>" * depth
    return f"<!doctype html><html><head><title>Deep</title></head><body>{body}</body></html>".encode()


@dataclass(frozen=True)
class HostileCase:
    name: str
    action: Action
    body: bytes = b""
    content_type: str = "text/html"
    question: str = ""
    rule: str = ""
    messages: tuple[str, ...] = field(default_factory=tuple)
    about: str = ""

    @property
    def path(self) -> str:
        suffix = ".pdf" if self.content_type == "application/pdf" else ""
        return f"hostile/{self.name}{suffix}"


def cases() -> list[HostileCase]:
    """The corpus of `python -m bench loop_stall` (issue 11's findings, and a few more)."""
    plain = article_html(article_sentences(60), title="Harbour works").encode()
    return [
        HostileCase("charset_punycode_header", "summarize", punycode_page(), "text/html; charset=punycode",
                    about="600 KB page declaring charset=punycode in its header"),
        HostileCase("charset_punycode_meta", "summarize", punycode_page(in_meta=True), "text/html",
                    about="the same, declared in <meta>"),
        *[HostileCase(f"charset_{label}", "summarize", plain, f"text/html; charset={label}",
                      about=f"a normal page declaring charset={label}")
          for label in ("rot13", "hex", "base64", "uu", "undefined")],
        HostileCase("tiny_sentences", "summarize", b"A b. " * 980_000, "text/plain; charset=utf-8",
                    about="4.9 MB of 'A b. ' as text/plain"),
        HostileCase("shared_stream_pdf", "summarize", shared_stream_pdf(), "application/pdf",
                    about="45 KB PDF: 150 pages sharing one 6 MB content stream"),
        HostileCase("long_article_question", "ask",
                    article_html(article_sentences(9_500), title="Everything the council did").encode(),
                    question="Which committee approved the lighthouse plan for the canal district?",
                    about="1.3 MB article, then a question about it"),
        HostileCase("regex_rule", "rules", rule="/(a+)+$/",
                    messages=tuple("a" * n + "!" for n in range(20, 27)),
                    about="admin flag rule /(a+)+$/ over messages of 20-26 a's and a '!'"),
        HostileCase("huge_html", "summarize",
                    article_html(article_sentences(40_000), title="Annual digest").encode()[:4_900_000],
                    about="4.9 MB HTML of 8,000 paragraphs"),
        HostileCase("nested_html", "summarize", nested_html(), about="200,000 nested <div>s (2.2 MB)"),
        HostileCase("one_long_word", "summarize", b"Title\n\n" + b"x." * 2_400_000, "text/plain",
                    about="4.8 MB text/plain of one word full of full stops"),
        HostileCase("ellipses", "summarize", ("Wait... " * 600_000).encode(), "text/plain",
                    about="4.8 MB of 'Wait... '"),
    ]
