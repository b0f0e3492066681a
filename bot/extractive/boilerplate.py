"""What in an extracted article is not the article: page furniture, judged sentence by sentence.

Extraction leaves some furniture in the text: legal and trademark lines, cookie and newsletter prompts,
photo credits, bylines and datelines before the lead, comment counts and readers' comments after the
body, truncated teasers of other stories, hover cards glued into a sentence. Each sentence is judged by
what it is rather than by a list of known phrases: whether it is an imperative aimed at the reader (a call
to action), how dense its legal vocabulary is, whether it is a sentence at all (closing punctuation), where
it sits (before the lead, after the body), whether it repeats, whose voice it is in (a reader's first
person after a third-person body) and whether it was cut off ("…").

`clean()` returns the article's own sentences with their offsets (every kept piece is a verbatim slice of
the input), the dropped ones with a reason, and whether what is left reads as an article at all.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass

from bot.app.errors import NotAnArticle
from bot.articles.model import Article
from bot.extractive.text import Span, content_tokens, normalize_for_match, split_sentences

logger = logging.getLogger(__name__)

# --- features of one sentence -------------------------------------------------------------------------

_OPEN_QUOTE = "\"“‘«„"
_QUOTED = re.compile(r"[\"“„«][^\"”“«»]*[\"”»]|(?<!\w)‘[^’]*’(?!\w)")
_LEADING_JUNK = re.compile(r"^[\s•·▪►▶»>→|*#\-–—\[(]+")
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’)\]»」』]*$")
_ELLIPSIS_END = re.compile(r"(?:\.\.\.|…)[\"'”’)\]»]*$")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d[\d.,:]*", re.UNICODE)

# Verbs that open a call to action, and what such a call is aimed at: the reader, the site, a channel.
_CTA_VERBS = frozenset("""
click tap subscribe sign register log login share follow read see watch listen download get join leave
comment support donate contact visit learn discover explore check view continue shop buy order try enable
allow accept manage scroll swipe tell send email find don't dont never want got stay be start upgrade
unlock claim install save bookmark print sign-up signup
""".split())
_CTA_TARGETS = frozenset("""
you your yours us our here now today below above free newsletter newsletters inbox email app account updates
alerts notifications story stories article articles page site website comments comment conversation
discussion podcast podcasts video videos gallery coverage more latest subscription membership journalism
premium offer trial twitter facebook instagram whatsapp telegram youtube tiktok linkedin threads bluesky
reddit feed rss miss tip tips first reply replies response apps
""".split())
_CTA_LEAD_INS = frozenset("to for please if want".split())
# After these a verb is not addressed to the reader ("they would follow", "had to share").
_NOT_IMPERATIVE_BEFORE = frozenset("""
to i we they you he she it would will could should can may might must did does do had has have was were is
are not never also then who that which
""".split())
# "Support for the bill grew": a noun, not an imperative, when one of these follows.
_NOT_IMPERATIVE_NEXT = frozenset("for of is was has had were are from in at grew rose fell came said".split())

# Legal vocabulary: phrases that mean a notice, and words that mean the page or its reader.
_LEGAL = re.compile(
    r"[©®™]|\b(?:trade\s?marks?|trademarked|trade\s+names?|copyright(?:s|ed)?|all\s+rights\s+reserved|rights\s+"
    r"reserved|disclaim(?:er|s|ed)?|liab(?:ility|le)|warrant(?:y|ies)|indemnif\w*|affiliate\s+(?:links?|"
    r"commission|partners?|programs?)|(?:earn|receive|get)\w*\s+(?:a\s+)?(?:small\s+)?commissions?|privacy|"
    r"cookies?|consent|gdpr|ccpa|terms\s+(?:of|and)\s+(?:use|service|conditions)|terms\s+&\s+conditions|"
    r"licen[cs](?:e|ed|ing)|unsubscribe|endorse(?:d|s|ment)?|redistribut\w+|republish\w*|rewritten|reproduc\w+|"
    r"registered\s+(?:office|in|trade|number|company)|company\s+(?:number|registration)|personal\s+data|"
    r"opt[\s-]out|subject\s+to\s+change|informational\s+purposes|does\s+not\s+constitute|not\s+responsible|"
    r"accurate\s+(?:at|as\s+of)\s+the\s+time|impressum|datenschutz|rechte\s+vorbehalten|mentions\s+légales|"
    r"derechos\s+reservados|aviso\s+legal)\b",
    re.IGNORECASE,
)
_ENTITY = re.compile(r"\b(?:Limited|Ltd|Inc|LLC|LLP|GmbH|plc|PLC|S\.A|AG|BV|Pty)\b\.?")
_SITE_WORDS = frozenset("""
site website websites page pages link links policy policies email newsletter account subscription browser
partners we our us you your
""".split())
_PUBLISHER = frozenset("we our us".split())
_READER = frozenset("you your yours".split())
_WEB_WORDS = frozenset("""
site website page link links email newsletter account subscription subscribe browser cookies cookie app
data information services service content advertising ads partners settings notifications
""".split())
_FIRST_SINGULAR = frozenset("i me my mine myself i'm i've i'd i'll im ive".split())

_CREDIT = re.compile(
    r"""^(?:(?:photo|photograph|image|picture|illustration|video|graphic|credit|file\ photo|source|caption)s?
            (?:\s*(?::|\||/|credit\b)|\s+by\b|\s+courtesy\b)
         | courtesy\ of\b | file\s+[-–—]\s )""",
    re.IGNORECASE | re.VERBOSE,
)
_CREDIT_IN = re.compile(r"\((?:[A-Z]{2,8}\s+)?(?:photo|image|picture|video)s?\s*(?:/|by|:)[^)]*\)|"
                        r"/\s*(?:AP|Reuters|AFP|Getty\s+Images|Shutterstock|EPA|Alamy)\b", re.IGNORECASE)
_COUNT = re.compile(
    r"^(?:\d[\d,.]*k?|no|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:comments?|responses?|replies|"
    r"shares?|reactions?|likes?|views?|thoughts?\s+on\b)|^comments?\s*(?:\(\s*\d+\s*\)|:?\s*\d+)?$|"
    r"^\d+\s*(?:min(?:ute)?s?|mins?)\.?\s+read$|^(?:advertisement|sponsored(?:\s+content)?|promoted|"
    r"paid\s+(?:content|post)|partner\s+content|ad)$",
    re.IGNORECASE,
)
# The start of the readers' section: a comment count or one of its usual headings.
_COMMENTS_START = re.compile(
    r"^(?:(?:\d[\d,.]*|no|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:comments?|responses?|"
    r"replies|thoughts?\s+on)\b|comments?\b|leave\s+a\s+(?:reply|comment)|post\s+a\s+comment|add\s+a\s+comment|"
    r"join\s+the\s+(?:discussion|conversation)|(?:reader|readers'?|your)\s+comments|show\s+comments|"
    r"view\s+comments)",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^(?i:by|written\s+by|words\s+by|reporting\s+by|additional\s+reporting\s+by|editing\s+by|"
                     r"reported\s+by)\s+[A-Z]")
_STAMP = re.compile(r"^(?:updated|published|posted|last\s+updated|first\s+published|modified)\b", re.IGNORECASE)
_CALENDAR = frozenset("""
jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july august september
october november december mon tue wed thu fri sat sun monday tuesday wednesday thursday friday saturday sunday
am pm a.m p.m gmt utc bst cet est edt pst pdt cst cdt et pt at on ago hours hour minutes minute days day
yesterday today updated published posted min read
""".split())
# "SAN FRANCISCO (AP) —", "WASHINGTON, March 3 (Reuters) -", "LONDON —", "(CNN) —": where and who, then a dash.
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z.'’\-]+(?:\s+[A-Z][A-Z.'’\-]+)*(?:,\s*[A-Z][\w.'’]*(?:\s+[A-Z][\w.'’]*)?)?"
    r"(?:,?\s+(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8}))?\s*(?:\([A-Za-z .]{2,20}\))?"
    r"|\([A-Za-z .]{2,20}\))\s*[—–-]{1,2}\s+(?=[\"“‘A-Z0-9])"
)
# A hover card glued into a sentence: the same name twice in a row, or a run of "·" separated labels.
_GLUED = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")
_REPEATED_NAME = re.compile(r"\b([A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+)+)\s+\1\b")
_SEPARATOR = re.compile(r"\s[·•]\s")


def _tokens(text: str) -> list[str]:
    return [w.casefold().replace("’", "'") for w in _WORD.findall(text)]


def unquoted(text: str) -> str:
    """The sentence without its quotations: whose voice it is in is decided by what is left."""
    return _QUOTED.sub(" ", text)


def is_sentence(text: str) -> bool:
    """Closing punctuation and a lower-case word: a sentence rather than a heading, label or name (scripts
    without letter case only need the punctuation)."""
    if not _SENTENCE_END.search(text):
        return False
    cased = [c for c in text if c.isalpha() and (c.islower() or c.isupper())]
    return not cased or any(w[:1].islower() for w in text.split()[1:])


def _after_lead_in(toks: list[str]) -> bool:
    """An imperative after a purpose or topic phrase aimed at the reader: "To read the full story, please
    subscribe…", "For the latest news download our app…"."""
    if not toks or toks[0] not in _CTA_LEAD_INS:
        return False
    for i, t in enumerate(toks[1:14], start=1):
        if t in _CTA_VERBS and toks[i - 1] not in _NOT_IMPERATIVE_BEFORE \
                and (toks[i - 1] == "please" or any(w in _CTA_TARGETS for w in toks[i + 1:i + 9])):
            return True
    return False


def is_call_to_action(text: str) -> bool:
    """An imperative aimed at the reader: "Sign up for our newsletter", "Click here", "Share this story"."""
    s = _LEADING_JUNK.sub("", text)
    if not s or s[0] in _OPEN_QUOTE:
        return False
    toks = _tokens(s)
    if _after_lead_in(toks):
        return True
    if not toks or toks[0] not in _CTA_VERBS or not s[0].isupper():
        return False
    if len(toks) > 1 and toks[1] in _NOT_IMPERATIVE_NEXT and toks[:2] != ["sign", "up"]:
        return False
    aimed = any(t in _CTA_TARGETS for t in toks[1:])
    return aimed or len(toks) <= 2 or s.rstrip().endswith((":", "»", "→", ">", "›"))


def legal_score(text: str) -> tuple[int, int]:
    """(notice phrases, words about the page or its reader) outside quotations."""
    plain = unquoted(text)
    return len(_LEGAL.findall(plain)), sum(1 for t in _tokens(plain) if t in _SITE_WORDS)


def is_legal(text: str) -> bool:
    """A notice (trademark, copyright, disclaimer, cookies, affiliate links) rather than reporting; a notice
    names the page, its reader or the legal entity behind it."""
    strong, site = legal_score(text)
    return strong >= 2 or (strong >= 1 and (site >= 2 or bool(_ENTITY.search(text))))


def site_voice(text: str) -> bool:
    """The publisher speaking to the reader about the site: "we ... your data", "our newsletter ... you"."""
    toks = set(_tokens(unquoted(text)))
    return bool(toks & _PUBLISHER) and bool(toks & _READER) and bool(toks & _WEB_WORDS)


def first_person_singular(text: str) -> bool:
    """"I", "my", "me" outside quotations: a writer or reader speaking, not someone quoted."""
    return any(t in _FIRST_SINGULAR for t in _tokens(unquoted(text)))


def is_timestamp(text: str) -> bool:
    """A date, time or reading time with (almost) nothing else."""
    toks = _tokens(text)
    if not toks or len(toks) > 14 or _STAMP.match(text.strip()):
        return bool(toks) and len(toks) <= 14
    rest = [t for t in toks if t not in _CALENDAR and not t[0].isdigit()]
    return len(rest) <= 1 and len(toks) - len(rest) >= 2 and len(text) <= 60


def is_credit(text: str) -> bool:
    s = _LEADING_JUNK.sub("", text)
    return bool(_CREDIT.match(s)) or (bool(_CREDIT_IN.search(s)) and len(s.split()) <= 40)


def has_hover_card(text: str) -> bool:
    """A name glued to its own repeat ("Dana WhitlockDana Whitlock · Editor · Follow")."""
    return bool(_REPEATED_NAME.search(_GLUED.sub(" ", text))) and bool(_GLUED.search(text) or _SEPARATOR.search(text))


def is_truncated(text: str) -> bool:
    return bool(_ELLIPSIS_END.search(text))


def sentence_reason(text: str) -> str | None:
    """Why a sentence is furniture wherever it stands, or None."""
    s = text.strip()
    if is_credit(s):
        return "credit"
    if _COUNT.match(_LEADING_JUNK.sub("", s)):
        return "count"
    if is_call_to_action(s):
        return "call to action"
    if is_legal(s) or (site_voice(s) and legal_score(s)[0] >= 1):
        return "legal"
    if has_hover_card(s):
        return "hover card"
    if _BYLINE.match(s) and not is_sentence(s):
        return "byline"
    if _STAMP.match(s) or (not is_sentence(s) and is_timestamp(s)):
        return "timestamp"
    return None


def is_boilerplate(sentence: str) -> bool:
    """Furniture by its nature alone (no context): credits, counts, calls to action, notices, bylines."""
    return sentence_reason(sentence) is not None


def strip_dateline(text: str) -> int:
    """How many leading characters of a lead sentence are a dateline ("SAN FRANCISCO (AP) — ")."""
    m = _DATELINE.match(text)
    if not m:
        return 0
    head = m.group(0)
    return m.end() if sum(c.isupper() for c in head) >= 2 else 0


# --- a whole text -----------------------------------------------------------------------------------------

MIN_WORDS = 25           # an article has at least this many words of real sentences...
MIN_SENTENCES = 2        # ...in at least this many sentences (or MIN_WORDS_ONE in one)
MIN_WORDS_ONE = 40
NOT_AN_ARTICLE = "I couldn't find an article on that page."


@dataclass(frozen=True, slots=True)
class Piece:
    span: Span           # offsets into the original text (after a stripped dateline)
    para: int            # paragraph number in the original text
    reason: str | None   # why it is furniture; None for the article's own text


@dataclass(frozen=True, slots=True)
class Cleaned:
    text: str                       # the article's own text, paragraphs separated by blank lines
    pieces: tuple[Piece, ...]       # every sentence of the input, kept or not
    problem: str | None             # None when it reads as an article, else "too little", "listing", "legal"

    @property
    def kept(self) -> list[Span]:
        return [p.span for p in self.pieces if p.reason is None]

    @property
    def dropped(self) -> list[tuple[Span, str]]:
        return [(p.span, p.reason) for p in self.pieces if p.reason is not None]


def _paragraph_numbers(text: str, spans: list[Span]) -> list[int]:
    breaks = [m.start() for m in re.finditer(r"\n[ \t\r\f\v]*\n", text)]
    out, b = [], 0
    for span in spans:
        while b < len(breaks) and breaks[b] < span.start:
            b += 1
        out.append(b)
    return out


def _is_body(text: str) -> bool:
    """A sentence of reporting: punctuation, lower-case words, long enough to say something."""
    return is_sentence(text) and len(text.split()) >= 6


def _reasons(text: str, spans: list[Span], paras: list[int], title: str | None) -> list[str | None]:
    reasons = [sentence_reason(s.text) for s in spans]
    norm_title = normalize_for_match(title or "")
    seen: set[str] = set()
    for i, s in enumerate(spans):
        norm = normalize_for_match(s.text)
        if reasons[i] is None and (norm in seen or (norm_title and norm == norm_title)):
            reasons[i] = "repeat"
        seen.add(norm)
        last_in_para = i + 1 == len(spans) or paras[i + 1] != paras[i]
        if reasons[i] is None and last_in_para and is_truncated(s.text):
            reasons[i] = "teaser"
    body = [i for i, s in enumerate(spans) if reasons[i] is None and _is_body(s.text)]
    if not body:
        return [r or "fragment" for r in reasons]
    first, last = body[0], body[-1]
    for i in range(len(spans)):
        if reasons[i] is None and (i < first or i > last):   # labels, names, dates around the body
            reasons[i] = "outside the body"
    _drop_comments(spans, paras, reasons, body)
    return reasons


def _drop_comments(spans: list[Span], paras: list[int], reasons: list[str | None], body: list[int]) -> None:
    """Readers' comments after the body: from a comments heading or count on, or trailing paragraphs in a
    reader's first person when the body itself was not written in the first person."""
    words_before = 0
    total = sum(len(spans[i].text.split()) for i in body) or 1
    for i, s in enumerate(spans):
        if words_before >= total / 2 and len(s.text.split()) <= 8 and _COMMENTS_START.match(
                _LEADING_JUNK.sub("", s.text)):
            for j in range(i, len(spans)):
                reasons[j] = reasons[j] or "comments"
            return
        if reasons[i] is None:
            words_before += len(s.text.split())
    early = body[: max(1, (2 * len(body)) // 3)]
    if sum(first_person_singular(spans[i].text) for i in early) > len(early) / 10:
        return                                   # a first-person piece (column, blog): its voice is the body
    by_para: dict[int, list[int]] = {}
    for i in range(len(spans)):
        by_para.setdefault(paras[i], []).append(i)
    for para in sorted(by_para, reverse=True):
        live = [i for i in by_para[para] if reasons[i] is None]
        if not live:
            continue
        if not any(first_person_singular(spans[i].text) for i in live) or para == paras[body[0]]:
            return
        for i in live:
            reasons[i] = "reader's comment"


# Han, kana and Hangul: scripts whose words are not separated by spaces.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_LIST_MARK = re.compile(r"^(?:[-*•‣–—]|\d{1,3}[.)])\s")
_SOFT = frozenset({"fragment", "outside the body"})


def _count_words(text: str) -> int:
    """Words, counting two characters of an unspaced script (Chinese, Japanese) as one."""
    return len(text.split()) + len(_UNSPACED.findall(text)) // 2


def _mostly_unpunctuated(spans: list[Span], reasons: list[str | None]) -> bool:
    soft = sum(len(s.text.split()) for s, r in zip(spans, reasons, strict=True) if r in _SOFT)
    total = sum(len(s.text.split()) for s in spans)
    return total >= 100 and soft >= total / 2


def _problem(spans: list[Span], reasons: list[str | None]) -> str | None:
    kept = [s.text for s, r in zip(spans, reasons, strict=True) if r is None and _is_body(s.text)]
    n_words = sum(_count_words(t) for t in kept)
    legal = sum(1 for t in kept if site_voice(t) or legal_score(t)[0] >= 1)
    if len(kept) >= 3 and legal >= len(kept) / 2:
        return "legal"
    if n_words < MIN_WORDS or (len(kept) < MIN_SENTENCES and n_words < MIN_WORDS_ONE):
        dropped_legal = sum(1 for r in reasons if r == "legal")
        return "legal" if dropped_legal >= 3 else "too little"
    return None


def clean(text: str, *, title: str | None = None) -> Cleaned:
    """The article's own sentences of an extracted `text` (see the module's docstring)."""
    spans = split_sentences(text)
    paras = _paragraph_numbers(text, spans)
    reasons = _reasons(text, spans, paras, title)
    pieces: list[Piece] = []
    lead_done = 0
    for s, p, r in zip(spans, paras, reasons, strict=True):
        if r is None and lead_done < 2:   # datelines open the lead (or the lead's second sentence after a byline)
            cut = strip_dateline(s.text)
            if cut:
                s = Span(s.start + cut, s.end, s.text[cut:])
            lead_done += 1
        pieces.append(Piece(s, p, r))
    problem = _problem(spans, reasons)
    if problem == "too little" and _mostly_unpunctuated(spans, reasons):
        # Text whose sentences lack the usual punctuation (lists, captions, poetry, odd markup) is not
        # refused for that: only what is furniture by its nature goes.
        pieces = [Piece(p.span, p.para, None if p.reason in _SOFT else p.reason) for p in pieces]
        problem = None
    problem = problem or _listing(pieces)
    return Cleaned(text=_join(text, pieces), pieces=tuple(pieces), problem=problem)


def _join(text: str, pieces: list[Piece]) -> str:
    """Kept pieces with the original layout between them: blank line, line break or space."""
    out: list[str] = []
    prev: Piece | None = None
    for piece in pieces:
        if piece.reason is not None:
            continue
        if prev is not None:
            gap = text[prev.span.end:piece.span.start]
            out.append("\n\n" if piece.para != prev.para else "\n" if "\n" in gap else " ")
        out.append(piece.span.text)
        prev = piece
    return "".join(out)


def _listing(pieces: list[Piece]) -> str | None:
    """An index of other stories: headlines each followed by a one-line blurb, on unrelated subjects."""
    paras: dict[int, list[Piece]] = {}
    for piece in pieces:
        paras.setdefault(piece.para, []).append(piece)
    bodies: list[list[Piece]] = []
    pairs = 0                   # a headline paragraph directly followed by a blurb
    after_headline = False
    one_liners = 0              # a paragraph that is one sentence and nothing else
    for group in paras.values():
        live = [p for p in group if p.reason is None and _is_body(p.span.text)]
        if live:
            bodies.append(live)
            one_liners += len(live) == 1 and len([p for p in group if p.reason is None]) == 1
            pairs += after_headline
            after_headline = False
        else:   # a headline: no sentence, and not an item of the article's own list
            after_headline = not _LIST_MARK.match(group[0].span.text) and \
                all(p.reason in (None, "teaser", "outside the body", "fragment") for p in group)
    if not bodies:
        return None
    sample = " ".join(p.span.text for live in bodies for p in live)
    if len(_UNSPACED.findall(sample)) > len(sample) / 5:
        return None     # a script written without spaces: word overlap and counts mean little here
    tokens = [set(content_tokens(" ".join(p.span.text for p in live))) for live in bodies]
    linked = sum(1 for i, a in enumerate(tokens)
                 if any(len(a & b) >= 2 for j, b in enumerate(tokens) if j != i)) / len(tokens)
    share = one_liners / len(bodies)
    words = len(sample.split())
    if pairs >= 4 and pairs >= 0.6 * len(bodies) and linked < 0.5 and share >= 0.8 and words < 400:
        return "listing"
    if len(bodies) >= 5 and share >= 0.8 and linked < 0.34 and words < 250:
        return "listing"
    return None


def article_only(article: Article) -> Article:
    """The article with only its own text; raises NotAnArticle when that is too little, or the page is a
    listing or a legal page. CPU-bound: call it through `asyncio.to_thread`."""
    cleaned = clean(article.text, title=article.title)
    if cleaned.problem is not None:
        logger.info("not summarising %s: %s (%d of %d sentences kept)", article.url, cleaned.problem,
                    len(cleaned.kept), len(cleaned.pieces))
        raise NotAnArticle(NOT_AN_ARTICLE)
    return dataclasses.replace(article, text=cleaned.text)
