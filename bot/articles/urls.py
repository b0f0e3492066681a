"""Links in Discord messages: find them, put them in canonical form, and spot obvious non-articles.

Pure functions, no I/O. `normalize_host` is shared with the fetcher so that the host we check is the
host we connect to, parsed the way browsers parse it (WHATWG URL host parser).
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import idna

__all__ = [
    "DEFAULT_PORTS",
    "canonicalize",
    "find_links",
    "is_host_name",
    "normalize_host",
    "parse_ip_host",
    "skip_reason",
]

DEFAULT_PORTS = {"http": 80, "https": 443}

# What DNS names are made of (letters, digits, hyphens; underscores appear in real names too), once IDNA has
# turned any other letters into xn-- labels. Anything else (NUL, spaces, control or markup characters, raw or
# percent-encoded) would reach the resolver as a name no browser would send.
_LABEL = re.compile(r"[a-z0-9_-]{1,63}")

# Discord markdown that hides links from us: code blocks first (they may contain the others), then
# inline code, spoilers and the <url> form that suppresses embeds.
_CODE_BLOCK = re.compile(r"```.*?```", re.S)
_INLINE_CODE = re.compile(r"``.+?``|`[^`]+`", re.S)
_SPOILER = re.compile(r"\|\|.+?\|\|", re.S)
_NO_EMBED = re.compile(r"<https?://[^\s>]+>", re.I)
_URL = re.compile(r"https?://[^\s<>\"'`]+", re.I)
_TRAILING = set(".,!?:;\"'>*_~|")

_TRACKING_EXACT = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid", "igshid",
    "igsh", "yclid", "_hsenc", "_hsmi", "__hssc", "__hstc", "__hsfp", "hsctatracking", "ref_src", "ref_url",
    "twclid", "ttclid", "li_fat_id", "mkt_tok", "oly_anon_id", "oly_enc_id", "_openstat", "vero_id",
    "vero_conv", "wickedid", "srsltid", "s_kwcid", "_ga", "_gl",
})
_TRACKING_PREFIXES = ("utm_",)

_EXTENSION_KINDS: dict[str, str] = {}
for _kind, _exts in {
    "image": "jpg jpeg png gif webp bmp svg ico tif tiff avif heic heif apng jfif",
    "video": "mp4 m4v webm mov avi mkv wmv flv mpg mpeg m3u8 3gp ogv",
    "audio": "mp3 wav ogg oga flac m4a aac opus wma mid midi",
    "archive": "zip rar 7z tar gz tgz bz2 xz zst lz lzma cab",
    "program": "exe msi dmg apk ipa deb rpm bin iso appimage pkg jar bat cmd sh dll so",
}.items():
    for _ext in _exts.split():
        _EXTENSION_KINDS[_ext] = _kind

_SKIP_HOSTS: dict[str, str] = {
    "discord.com": "Discord link",
    "discord.gg": "Discord link",
    "discordapp.com": "Discord link",
    "discordapp.net": "Discord link",
    "discord.media": "Discord link",
    "tenor.com": "GIF",
    "giphy.com": "GIF",
}


def find_links(content: str, *, limit: int = 3) -> list[str]:
    """The http(s) links Discord would show in `content`, in order, de-duplicated, at most `limit`.

    Links in code, spoilers and `<...>` are skipped: the author hid them on purpose. Each link is
    returned as written (minus trailing punctuation); use `canonicalize` for a cache key.
    """
    if limit <= 0 or "http" not in content.lower():
        return []
    blank = lambda m: " " * len(m.group(0))  # noqa: E731 - keep offsets stable
    text = _CODE_BLOCK.sub(blank, content)
    text = _INLINE_CODE.sub(blank, text)
    text = _SPOILER.sub(blank, text)
    text = _NO_EMBED.sub(blank, text)
    found: list[str] = []
    seen: set[str] = set()
    for match in _URL.finditer(text):
        link = _trim(match.group(0))
        try:
            key = canonicalize(link)
        except ValueError:
            continue
        if key in seen:
            continue
        seen.add(key)
        found.append(link)
        if len(found) >= limit:
            break
    return found


def _trim(link: str) -> str:
    """Drop trailing characters Discord would not make part of the link."""
    pairs = {")": "(", "]": "["}
    while link:
        last = link[-1]
        unbalanced = last in pairs and link.count(last) > link.count(pairs[last])
        if last not in _TRAILING and not unbalanced:
            break
        link = link[:-1]
    return link


def canonicalize(url: str) -> str:
    """A stable form of an http(s) URL, suitable as a cache key. Raises ValueError if it is not one."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:  # bad port or bracketed host
        raise ValueError(f"not a valid URL: {url!r}") from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(f"not an http(s) URL: {url!r}")
    host = normalize_host(parts.hostname or "")
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _quote_part(parts.path) or "/"
    query = _strip_tracking(parts.query)
    return urlunsplit((scheme, netloc, path, query, ""))


def _quote_part(text: str) -> str:
    # Percent-encode only what must be (spaces, non-ASCII); existing escapes are kept as they are.
    return quote(text, safe="/%:@!$&'()*+,;=-._~?[]")


def _strip_tracking(query: str) -> str:
    kept = []
    for piece in query.split("&"):
        if not piece:
            continue
        name = unquote(piece.split("=", 1)[0]).lower()
        if name in _TRACKING_EXACT or name.startswith(_TRACKING_PREFIXES):
            continue
        kept.append(_quote_part(piece))
    return "&".join(kept)


def normalize_host(host: str) -> str:
    """Lower-case, IDNA-encoded host; numeric IPv4 forms become dotted quads, IPv6 is compressed.

    Raises ValueError for an empty or invalid host (including malformed numeric forms, which browsers
    refuse too).
    """
    host = unquote(host).strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host:
        raise ValueError("empty host")
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host.split("%", 1)[0]).compressed
        except ValueError as exc:
            raise ValueError(f"invalid IPv6 host {host!r}") from exc
    try:
        ascii_host = idna.encode(host, uts46=True).decode("ascii") if not host.isascii() else host.lower()
    except idna.IDNAError as exc:
        raise ValueError(f"invalid host {host!r}") from exc
    ascii_host = ascii_host.lower()
    v4 = _parse_ipv4(ascii_host)
    if v4 is not None:
        return str(v4)
    ascii_host = ascii_host.rstrip(".")
    if not is_host_name(ascii_host):
        raise ValueError(f"invalid host {host!r}")
    return ascii_host


def is_host_name(host: str) -> bool:
    """Whether `host` (lower-case ASCII, no trailing dot) is a well-formed DNS name."""
    return 0 < len(host) <= 253 and all(_LABEL.fullmatch(label) for label in host.split("."))


def parse_ip_host(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address a host names literally (after `normalize_host`), else None for a domain name."""
    host = normalize_host(host)
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _parse_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """WHATWG IPv4 parsing: 2130706433, 0177.0.0.1, 0x7f.1 and 127.1 all mean 127.0.0.1.

    Returns None when the host does not end in a number (a domain name); raises ValueError when it does
    but is not a valid address, as browsers do.
    """
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    if not _looks_numeric(parts[-1]):
        return None
    if len(parts) > 4:
        raise ValueError(f"invalid IPv4 host {host!r}")
    numbers = [_parse_ipv4_number(p, host) for p in parts]
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise ValueError(f"invalid IPv4 host {host!r}")
    value = numbers[-1]
    for i, n in enumerate(numbers[:-1]):
        value += n * 256 ** (3 - i)
    return ipaddress.IPv4Address(value)


def _looks_numeric(label: str) -> bool:
    if label.isdigit() and label.isascii():
        return True
    return label[:2] == "0x" and all(c in "0123456789abcdef" for c in label[2:])


def _parse_ipv4_number(part: str, host: str) -> int:
    if not part:
        raise ValueError(f"invalid IPv4 host {host!r}")
    base = 10
    if part[:2] == "0x":
        part, base = part[2:], 16
        if not part:
            return 0
    elif len(part) > 1 and part[0] == "0":
        part, base = part[1:], 8
    try:
        if not part.isascii() or not part.isalnum():
            raise ValueError
        return int(part, base)
    except ValueError as exc:
        raise ValueError(f"invalid IPv4 host {host!r}") from exc


def skip_reason(url: str) -> str | None:
    """Why `url` is clearly not an article ("image", "video", "Discord link"...), or None if it may be."""
    try:
        parts = urlsplit(url)
        host = normalize_host(parts.hostname or "")
    except ValueError:
        return None
    for domain, reason in _SKIP_HOSTS.items():
        if host == domain or host.endswith("." + domain):
            return reason
    name = unquote(parts.path).rstrip("/").rsplit("/", 1)[-1].lower()
    if "." in name:
        return _EXTENSION_KINDS.get(name.rsplit(".", 1)[-1])
    return None
