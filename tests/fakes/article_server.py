"""A loopback web server that misbehaves on request, for testing the article fetcher over real sockets.

Built-in routes (all GET):
  /pages/<file>                  a file from tests/fixtures/pages (type from its suffix)
  /status/<code>                 an empty answer with that status
  /redirect?to=<url>&status=302  one redirect to any URL (inside addresses included)
  /chain/<n>?end=<path>          n redirects in a row, then <path>
  /loop/a, /loop/b               redirect to each other forever
  /slow?delay=<s>&page=<file>    waits, then serves a page
  /drip?delay=<s>                headers at once, then one byte every <s> seconds, for ever
  /huge?bytes=<n>&length=0|1     n bytes of HTML, with or without Content-Length
  /bomb?bytes=<n>                gzip of n zero bytes (Content-Encoding: gzip), tiny on the wire
Anything else can be registered with `add()` (body, type, status, headers) or `redirect()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import hdrs, web
from aiohttp.abc import AbstractResolver, ResolveResult

PAGES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".pdf": "application/pdf",
}


@dataclass
class Canned:
    body: bytes
    content_type: str | None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SeenRequest:
    path: str
    query: str
    headers: dict[str, str]


class ArticleServer:
    def __init__(self, pages_dir: Path = PAGES_DIR) -> None:
        self.pages_dir = pages_dir
        self.requests: list[SeenRequest] = []
        self._canned: dict[str, Canned] = {}
        self._closing = asyncio.Event()
        self._bombs: dict[int, bytes] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- life cycle -------------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._handle)
        # Handlers are cancelled when the client hangs up, so slow routes never hold up shutdown.
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, handler_cancellation=True, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert isinstance(server, asyncio.Server)
        self.port = server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- test API ---------------------------------------------------------------------------------
    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str, *, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}/{path.lstrip('/')}"

    def add(
        self,
        path: str,
        body: bytes | str,
        *,
        content_type: str | None = "text/html; charset=utf-8",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> str:
        """Serve `body` at `path`; returns the full URL. content_type=None sends no Content-Type."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self._canned["/" + path.lstrip("/")] = Canned(data, content_type, status, dict(headers or {}))
        return self.url(path)

    def redirect(self, path: str, location: str, *, status: int = 302) -> str:
        return self.add(path, b"", content_type=None, status=status, headers={"Location": location})

    def hits(self, prefix: str) -> int:
        return sum(1 for r in self.requests if r.path.startswith(prefix))

    # -- routes -----------------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(SeenRequest(request.path, request.query_string, dict(request.headers)))
        path = request.path
        canned = self._canned.get(path)
        if canned is not None:
            return self._canned_response(canned)
        head, _, rest = path.lstrip("/").partition("/")
        handler = getattr(self, f"_route_{head}", None)
        if handler is None:
            raise web.HTTPNotFound()
        response: web.StreamResponse = await handler(request, rest)
        return response

    def _canned_response(self, canned: Canned) -> web.Response:
        if canned.content_type is None:
            return _UntypedResponse(body=canned.body, status=canned.status, headers=canned.headers)
        response = web.Response(body=canned.body, status=canned.status, headers=canned.headers)
        response.headers["Content-Type"] = canned.content_type
        return response

    async def _route_pages(self, request: web.Request, name: str) -> web.Response:
        file = (self.pages_dir / name).resolve()
        if self.pages_dir.resolve() not in file.parents or not file.is_file():
            raise web.HTTPNotFound()
        ctype = _TYPES.get(file.suffix, "application/octet-stream")
        return web.Response(body=file.read_bytes(), headers={"Content-Type": ctype})

    async def _route_status(self, request: web.Request, code: str) -> web.Response:
        return web.Response(status=int(code), text=f"status {code}")

    async def _route_redirect(self, request: web.Request, _: str) -> web.Response:
        status = int(request.query.get("status", "302"))
        return web.Response(status=status, headers={"Location": request.query["to"]})

    async def _route_chain(self, request: web.Request, n: str) -> web.Response:
        # /chain/<n> answers with n redirects in total before landing on `end`.
        end = request.query.get("end", "/pages/ledger-council-budget.html")
        left = int(n)
        target = end if left <= 1 else f"/chain/{left - 1}?end={end}"
        return web.Response(status=302, headers={"Location": target})

    async def _route_loop(self, request: web.Request, which: str) -> web.Response:
        return web.Response(status=302, headers={"Location": "/loop/b" if which == "a" else "/loop/a"})

    async def _route_slow(self, request: web.Request, _: str) -> web.Response:
        delay = float(request.query.get("delay", "5"))
        await self._sleep(delay)
        return await self._route_pages(request, request.query.get("page", "ledger-council-budget.html"))

    async def _route_drip(self, request: web.Request, _: str) -> web.StreamResponse:
        delay = float(request.query.get("delay", "0.2"))
        response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
        await response.prepare(request)
        await response.write(b"<html><body><p>")
        while not self._closing.is_set():
            await response.write(b"a")
            await self._sleep(delay)
        return response

    async def _route_huge(self, request: web.Request, _: str) -> web.StreamResponse:
        size = int(request.query.get("bytes", str(8 * 1024 * 1024)))
        response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
        if request.query.get("length", "1") == "1":
            response.content_length = size
        await response.prepare(request)
        line = b"<p>" + b"lorem ipsum dolor sit amet " * 37 + b"</p>\n"
        sent = 0
        while sent < size and not self._closing.is_set():
            piece = line[: size - sent]
            await response.write(piece)
            sent += len(piece)
        return response

    async def _route_bomb(self, request: web.Request, _: str) -> web.Response:
        size = int(request.query.get("bytes", str(64 * 1024 * 1024)))
        if size not in self._bombs:
            z = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
            zeros = bytes(1024 * 1024)
            parts = [z.compress(zeros[: min(len(zeros), size - done)]) for done in range(0, size, len(zeros))]
            self._bombs[size] = b"".join(parts) + z.flush()
        return web.Response(
            body=self._bombs[size],
            headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
        )

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)


class _UntypedResponse(web.Response):
    """A response with no Content-Type at all (aiohttp would otherwise add application/octet-stream)."""

    async def _write_headers(self) -> None:
        self._headers.popall(hdrs.CONTENT_TYPE, None)
        await super()._write_headers()


class FakeResolver(AbstractResolver):
    """DNS for tests: names map to fixed answers (or a sequence of answers, one per lookup).

    Unknown names fail like NXDOMAIN, so tests never touch real DNS. `calls` records each lookup.
    """

    def __init__(self, answers: dict[str, list[str] | list[list[str]]]) -> None:
        self.answers = answers
        self.calls: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.calls.append(host)
        entry = self.answers.get(host)
        if entry is None:
            raise OSError(f"fake DNS: no such name {host}")
        if entry and isinstance(entry[0], list):
            # A sequence of answers: each lookup takes the next one (the last repeats), like rebinding DNS.
            seq: list[list[str]] = entry  # type: ignore[assignment]
            addresses = seq[min(len(self.calls_for(host)) - 1, len(seq) - 1)]
        else:
            addresses = entry  # type: ignore[assignment]
        return [
            {
                "hostname": host,
                "host": addr,
                "port": port,
                "family": socket.AF_INET6 if ":" in addr else socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
            for addr in addresses
        ]

    def calls_for(self, host: str) -> list[str]:
        return [c for c in self.calls if c == host]

    async def close(self) -> None:
        return None


def make_pdf(
    lines: list[str], *, title: str | None = None, author: str | None = None, lines_per_page: int = 48
) -> bytes:
    """A real, minimal PDF (Helvetica text, one text line per entry, "" for a gap), written by hand."""

    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    pages = [lines[i : i + lines_per_page] for i in range(0, len(lines), lines_per_page)] or [[]]
    font_id = 3 + 2 * len(pages)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(len(pages)))
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        font_id: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    }
    for i, page_lines in enumerate(pages):
        ops = ["BT", "/F1 11 Tf", "15 TL", "56 770 Td"]
        ops += [f"({esc(line)}) Tj T*" for line in page_lines]
        ops.append("ET")
        stream = "\n".join(ops).encode("cp1252")
        page_id, content_id = 3 + 2 * i, 4 + 2 * i
        objects[page_id] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content_id} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>"
        ).encode()
        objects[content_id] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
    info_id = None
    if title or author:
        info_id = font_id + 1
        fields = "".join(f"/{k} ({esc(v)}) " for k, v in (("Title", title), ("Author", author)) if v)
        objects[info_id] = f"<< {fields}>>".encode("cp1252")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for obj_id in sorted(objects):
        offsets[obj_id] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (obj_id, objects[obj_id])
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for obj_id in range(1, size):
        out += b"%010d 00000 n \n" % offsets[obj_id]
    info = f" /Info {info_id} 0 R" if info_id else ""
    out += f"trailer\n<< /Size {size} /Root 1 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
