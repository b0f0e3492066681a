"""Fetching pages whose URLs strangers posted, without letting them reach inside our network.

Every hop (redirects are followed by hand) is checked: scheme, port, host (numeric forms parsed the
way browsers do) and every DNS answer. The connector only ever sees vetted addresses. Bodies are
streamed and decompressed here, under a running size cap, so a gzip bomb stops at the cap.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import zlib
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Self
from urllib.parse import urljoin, urlsplit, urlunsplit

import aiohttp
from aiohttp.abc import AbstractResolver
from yarl import URL

from bot.app.errors import FetchFailed, FetchRefused, NotAnArticle
from bot.articles.decode import decode_body
from bot.articles.netguard import AddressGuard, AddressRefused, HostRefused, VettingResolver
from bot.articles.urls import DEFAULT_PORTS, normalize_host, parse_ip_host

logger = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "PrecisBot/0.1 (+https://github.com/precis-bot/precis; article summaries for Discord)"
ARTICLE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain", "application/pdf"})
TEXT_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024

# The exact sentences users see.
MSG_SCHEME = "I only read http and https links."
MSG_BAD_URL = "That doesn't look like a web address I can read."
MSG_PORT = "I only fetch web pages on the standard ports."
MSG_PRIVATE = "That address is not public, so I won't fetch it."
MSG_TOO_LARGE = "That page is too large to summarise."
MSG_TIMEOUT = "The site took too long to answer."
MSG_UNREACHABLE = "I couldn't reach that site."
MSG_TOO_MANY_REDIRECTS = "That link redirects too many times."
MSG_REDIRECT_LOOP = "That link redirects in a loop."
MSG_ENCODING = "The site sent the page in a form I can't read."


@dataclass(frozen=True)
class FetchPolicy:
    """What the fetcher may do. Defaults are the production policy."""

    allow_private: bool = False            # FETCH_ALLOW_PRIVATE: local demos only; lifts the port rule too
    allowed_ports: frozenset[int] = frozenset({80, 443})
    max_bytes: int = 5 * 1024 * 1024       # after decompression
    connect_timeout: float = 5.0
    total_timeout: float = 15.0            # whole fetch: every redirect hop and the body
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT
    # Test-only: networks allowed despite being private, e.g. ("127.0.0.1/32",) for a loopback fake.
    extra_allowed_networks: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, *, allow_private: bool = False) -> FetchPolicy:
        return cls(allow_private=allow_private)


@dataclass(frozen=True)
class FetchResult:
    url: str                          # as requested
    final_url: str                    # after redirects
    status: int
    content_type: str                 # bare media type, e.g. "text/html"
    charset: str | None               # as declared in the Content-Type header
    body: bytes                       # decompressed
    redirects: tuple[str, ...] = field(default_factory=tuple)

    @functools.cached_property
    def text(self) -> str | None:
        """The decoded body for text types. CPU-bound on big pages: the bot decodes in a worker instead
        (bot/articles/parse.py); this is for tests and tools."""
        if self.content_type not in TEXT_TYPES:
            return None
        return decode_body(self.body, header_charset=self.charset, html=self.content_type != "text/plain")[0]


def not_an_article_kind(media_type: str) -> str:
    """A word for what a non-article media type is, for the message users see."""
    major, _, minor = media_type.partition("/")
    if major in {"image", "video", "audio", "font"}:
        return major
    if any(k in minor for k in ("zip", "tar", "rar", "7z", "compressed", "gzip", "bzip", "xz")):
        return "archive"
    if "json" in minor or minor in {"csv"}:
        return "data"
    if "xml" in minor:
        return "feed or data"
    return "file"


class Fetcher:
    """One HTTP client for article fetching; use `async with Fetcher(policy) as f` or call `close()`.

    `resolver` (an aiohttp AbstractResolver, default: getaddrinfo in a thread) only supplies answers;
    they are vetted before the connector sees them. Tests inject fake DNS this way. It is closed with
    the Fetcher.
    """

    def __init__(self, policy: FetchPolicy | None = None, *, resolver: AbstractResolver | None = None) -> None:
        self.policy = policy or FetchPolicy()
        self._guard = AddressGuard(
            allow_private=self.policy.allow_private, extra_allowed=self.policy.extra_allowed_networks
        )
        self._inner_resolver = resolver
        self._session: aiohttp.ClientSession | None = None
        self._resolver: VettingResolver | None = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._resolver is not None:
            await self._resolver.close()
            self._resolver = None

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._resolver = VettingResolver(self._guard, self._inner_resolver)
            connector = aiohttp.TCPConnector(
                resolver=self._resolver, use_dns_cache=False, limit=32, limit_per_host=4
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(
                    total=None, connect=self.policy.connect_timeout, sock_connect=self.policy.connect_timeout
                ),
                headers={
                    "User-Agent": self.policy.user_agent,
                    "Accept": "text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.8,*/*;q=0.1",
                    "Accept-Encoding": "gzip, deflate",
                },
                auto_decompress=False,                 # we decompress under our own size cap
                trust_env=False,                       # a proxy would bypass the address checks
                cookie_jar=aiohttp.DummyCookieJar(),   # nothing follows us from site to site
            )
        return self._session

    async def fetch(self, url: str) -> FetchResult:
        """Fetch `url` under the policy. Raises FetchRefused, FetchFailed or NotAnArticle."""
        try:
            async with asyncio.timeout(self.policy.total_timeout):
                return await self._fetch(url)
        except TimeoutError as exc:
            logger.info("fetch of %s timed out", url)
            raise FetchFailed(MSG_TIMEOUT) from exc

    async def _fetch(self, url: str) -> FetchResult:
        session = self._get_session()
        current = self._vet(url)
        seen = {current}
        hops: list[str] = []
        while True:
            try:
                async with session.get(URL(current), allow_redirects=False) as resp:
                    location = resp.headers.get("Location") if resp.status in _REDIRECTS else None
                    if location is None:
                        return await self._finish(url, current, tuple(hops), resp)
            except TimeoutError:
                raise  # aiohttp's connect timeout: reported like the overall one
            except aiohttp.ClientConnectorError as exc:
                if isinstance(exc.os_error, AddressRefused):
                    raise FetchRefused(MSG_PRIVATE) from exc
                if isinstance(exc.os_error, HostRefused):
                    raise FetchRefused(MSG_BAD_URL) from exc
                logger.info("cannot connect for %s: %s", current, exc)
                raise FetchFailed(MSG_UNREACHABLE) from exc
            except (aiohttp.ClientError, OSError) as exc:
                logger.info("fetch of %s failed: %r", current, exc)
                raise FetchFailed(MSG_UNREACHABLE) from exc
            hops.append(current)
            if len(hops) > self.policy.max_redirects:
                raise FetchFailed(MSG_TOO_MANY_REDIRECTS)
            current = self._vet(urljoin(current, location.strip()))
            if current in seen:
                raise FetchFailed(MSG_REDIRECT_LOOP)
            seen.add(current)

    def _vet(self, url: str) -> str:
        """Check scheme, host and port; return the URL with a normalised host. Names are vetted at DNS time."""
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError as exc:
            raise FetchRefused(MSG_BAD_URL) from exc
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise FetchRefused(MSG_SCHEME)
        try:
            host = normalize_host(parts.hostname or "")
            address = parse_ip_host(host)
        except ValueError as exc:
            raise FetchRefused(MSG_BAD_URL) from exc
        effective_port = port if port is not None else DEFAULT_PORTS[scheme]
        if not self.policy.allow_private and effective_port not in self.policy.allowed_ports:
            raise FetchRefused(MSG_PORT)
        # IP literals never reach the resolver, so they are checked here.
        if address is not None and not self._guard.allowed(address):
            logger.info("refusing %s: non-public address", url)
            raise FetchRefused(MSG_PRIVATE)
        netloc = f"[{host}]" if ":" in host else host
        if port is not None:
            netloc = f"{netloc}:{port}"
        # Userinfo is dropped on purpose: we never send credentials found in a link.
        return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))

    async def _finish(
        self, requested: str, final: str, hops: tuple[str, ...], resp: aiohttp.ClientResponse
    ) -> FetchResult:
        if resp.status >= 300:
            raise FetchFailed(status_message(resp.status))
        media_type, declared = _content_type(resp.headers.get("Content-Type"))
        if media_type and media_type not in ARTICLE_TYPES and not _maybe_pdf(media_type, final):
            raise NotAnArticle(f"That link is not an article ({not_an_article_kind(media_type)}).")
        length = resp.content_length
        if length is not None and length > self.policy.max_bytes:
            raise FetchRefused(MSG_TOO_LARGE)
        body = await self._read_body(resp)
        media_type = _settle_type(media_type, body)
        # Not decoded here: decoding (and extraction) of what strangers send runs in a worker.
        return FetchResult(
            url=requested, final_url=final, status=resp.status, content_type=media_type,
            charset=declared, body=body, redirects=hops,
        )

    async def _read_body(self, resp: aiohttp.ClientResponse) -> bytes:
        limit = self.policy.max_bytes
        decoder = _Decoder(resp.headers.get("Content-Encoding", ""))
        chunks: list[bytes] = []
        total = 0
        try:
            async for chunk in resp.content.iter_chunked(_CHUNK):
                out = decoder.feed(chunk, limit - total + 1)
                total += len(out)
                if total > limit:
                    raise FetchRefused(MSG_TOO_LARGE)
                chunks.append(out)
            tail = decoder.flush(limit - total + 1)
        except zlib.error as exc:
            raise FetchFailed(MSG_ENCODING) from exc
        total += len(tail)
        if total > limit:
            raise FetchRefused(MSG_TOO_LARGE)
        chunks.append(tail)
        return b"".join(chunks)


def status_message(status: int) -> str:
    try:
        phrase = HTTPStatus(status).phrase.lower()
    except ValueError:
        return f"The site answered {status}."
    return f"The site answered {status} ({phrase})."


def _content_type(header: str | None) -> tuple[str, str | None]:
    if not header:
        return "", None
    media_type, *params = header.split(";")
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return media_type.strip().lower(), charset


def _maybe_pdf(media_type: str, url: str) -> bool:
    # Some servers label PDFs as generic binary; the magic number decides after download.
    return media_type in {"application/octet-stream", "binary/octet-stream"} and (
        urlsplit(url).path.lower().endswith(".pdf")
    )


def _settle_type(media_type: str, body: bytes) -> str:
    """Sniff when the server gave no useful type."""
    if media_type in ARTICLE_TYPES and media_type != "application/pdf":
        return media_type
    if body.startswith(b"%PDF-"):
        return "application/pdf"
    if media_type == "application/pdf":
        raise NotAnArticle("That PDF looks damaged, so I can't read it.")
    if media_type:  # octet-stream that was not a PDF after all
        raise NotAnArticle(f"That link is not an article ({not_an_article_kind(media_type)}).")
    head = body[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<article")):
        return "text/html"
    if b"\x00" in body[:4096]:
        raise NotAnArticle("That link is not an article (file).")
    return "text/plain"


class _Decoder:
    """Content-Encoding decoder with an output budget per call (zlib's max_length)."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding.strip().lower()
        if self.encoding not in {"", "identity", "gzip", "x-gzip", "deflate"}:
            raise FetchFailed(MSG_ENCODING)
        self._z: zlib._Decompress | None = None
        if self.encoding in {"gzip", "x-gzip"}:
            self._z = zlib.decompressobj(zlib.MAX_WBITS | 16)

    def feed(self, data: bytes, budget: int) -> bytes:
        if not self.encoding or self.encoding == "identity":
            return data
        if self._z is None:  # "deflate" is meant to be zlib-wrapped, but raw deflate is common
            zlib_header = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._z = zlib.decompressobj(zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)
        if self._z.eof:
            return b""  # trailing garbage after the stream
        # At most `budget` bytes come out; if input remains unconsumed the budget was exceeded.
        return self._z.decompress(data, budget)

    def flush(self, budget: int) -> bytes:
        if self._z is None or self._z.eof:
            return b""
        return self._z.decompress(b"", budget)
