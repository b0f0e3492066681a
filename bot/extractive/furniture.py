"""Page furniture told by the nature of one sentence: calls to action, notices, credits, counts, bylines.

Each test looks at what the sentence is, not at a list of known phrases: an imperative aimed at the reader
(a call to action), the density of legal vocabulary naming the page, its reader or a company, a photo
credit's shape, a count of comments, a byline or time stamp with no sentence around it, a name glued to its
own repeat (a hover card), a closing ellipsis (a teaser cut off). bot/extractive/boilerplate.py judges a
whole text with these and with where each sentence stands.
"""

from __future__ import annotations

import re

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
COMMENTS_START = re.compile(
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


def strip_leading_junk(text: str) -> str:
    """Without the bullets, arrows and brackets that open a line of page furniture."""
    return _LEADING_JUNK.sub("", text)


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
