"""The real Fetcher against a loopback server that misbehaves: slow, huge, compressed, wrong types,
error statuses, wrong charsets. Only 127.0.0.1/32 is allowed (the `fetch_policy` test knob).
"""

from __future__ import annotations

import dataclasses
import gzip
import socket
import zlib

import pytest

from bot.app.errors import FetchFailed, FetchRefused, NotAnArticle
from bot.articles import fetch as F
from bot.articles.fetch import Fetcher, FetchPolicy
from tests.fakes.article_server import ArticleServer, make_pdf

# -- time and size -------------------------------------------------------------------------------------


async def test_slow_answer_times_out(fetch_policy: FetchPolicy, article_server: ArticleServer) -> None:
    policy = dataclasses.replace(fetch_policy, total_timeout=0.3)
    async with Fetcher(policy) as f:
        with pytest.raises(FetchFailed) as err:
            await f.fetch(article_server.url("slow?delay=30"))
    assert err.value.message == F.MSG_TIMEOUT


async def test_body_that_never_ends_times_out(
    fetch_policy: FetchPolicy, article_server: ArticleServer
) -> None:
    policy = dataclasses.replace(fetch_policy, total_timeout=0.3)
    async with Fetcher(policy) as f:
        with pytest.raises(FetchFailed) as err:
            await f.fetch(article_server.url("drip?delay=0.05"))
    assert err.value.message == F.MSG_TIMEOUT


@pytest.mark.parametrize("with_length", ["1", "0"])
async def test_huge_bodies_are_refused(
    fetcher: Fetcher, article_server: ArticleServer, with_length: str
) -> None:
    with pytest.raises(FetchRefused) as err:
        await fetcher.fetch(article_server.url(f"huge?bytes={8 * 1024 * 1024}&length={with_length}"))
    assert err.value.message == F.MSG_TOO_LARGE


async def test_size_cap_is_exact(fetch_policy: FetchPolicy, article_server: ArticleServer) -> None:
    body = b"<html><body><p>" + b"x" * 985 + b"</p></body></html>"  # 1,017 bytes
    article_server.add("small", body)
    at_cap = dataclasses.replace(fetch_policy, max_bytes=len(body))
    below = dataclasses.replace(fetch_policy, max_bytes=len(body) - 1)
    async with Fetcher(at_cap) as f:
        assert (await f.fetch(article_server.url("small"))).body == body
    async with Fetcher(below) as f:
        with pytest.raises(FetchRefused):
            await f.fetch(article_server.url("small"))


async def test_gzip_bomb_is_refused(fetcher: Fetcher, article_server: ArticleServer) -> None:
    with pytest.raises(FetchRefused) as err:
        await fetcher.fetch(article_server.url(f"bomb?bytes={64 * 1024 * 1024}"))
    assert err.value.message == F.MSG_TOO_LARGE


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send it
        ("identity", lambda data: data),
    ],
)
async def test_compressed_pages_are_decoded(
    fetcher: Fetcher, article_server: ArticleServer, encoding: str, compress: object
) -> None:
    page = (article_server.pages_dir / "courier-ferry-returns.html").read_bytes()
    article_server.add("packed", compress(page), headers={"Content-Encoding": encoding})  # type: ignore[operator]
    result = await fetcher.fetch(article_server.url("packed"))
    assert result.body == page


async def test_unknown_content_encoding(fetcher: Fetcher, article_server: ArticleServer) -> None:
    article_server.add("br", b"\x8b\x02\x80hello\x03", headers={"Content-Encoding": "br"})
    with pytest.raises(FetchFailed) as err:
        await fetcher.fetch(article_server.url("br"))
    assert err.value.message == F.MSG_ENCODING


# -- statuses and content types ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (404, "The site answered 404 (not found)."),
        (500, "The site answered 500 (internal server error)."),
        (403, "The site answered 403 (forbidden)."),
        (503, "The site answered 503 (service unavailable)."),
        (410, "The site answered 410 (gone)."),
    ],
)
async def test_error_statuses(
    fetcher: Fetcher, article_server: ArticleServer, status: int, message: str
) -> None:
    with pytest.raises(FetchFailed) as err:
        await fetcher.fetch(article_server.url(f"status/{status}"))
    assert err.value.message == message


async def test_unreachable_site(fetch_policy: FetchPolicy) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    policy = dataclasses.replace(fetch_policy, allowed_ports=frozenset({port}))
    async with Fetcher(policy) as f:
        with pytest.raises(FetchFailed) as err:
            await f.fetch(f"http://127.0.0.1:{port}/")
    assert err.value.message == F.MSG_UNREACHABLE


async def test_unknown_name(production_fetcher: Fetcher) -> None:
    with pytest.raises(FetchFailed) as err:
        await production_fetcher.fetch("https://no-such-host.example/")
    assert err.value.message == F.MSG_UNREACHABLE


@pytest.mark.parametrize(
    ("content_type", "kind"),
    [
        ("image/png", "image"),
        ("image/jpeg", "image"),
        ("video/mp4", "video"),
        ("audio/mpeg", "audio"),
        ("application/octet-stream", "file"),
        ("application/zip", "archive"),
        ("application/json", "data"),
        ("application/rss+xml", "feed or data"),
    ],
)
async def test_non_article_types(
    fetcher: Fetcher, article_server: ArticleServer, content_type: str, kind: str
) -> None:
    article_server.add("thing", b"\x89PNG\r\n\x1a\n" + bytes(100), content_type=content_type)
    with pytest.raises(NotAnArticle) as err:
        await fetcher.fetch(article_server.url("thing"))
    assert err.value.message == f"That link is not an article ({kind})."


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("text/html; charset=utf-8", "text/html"),
        ("TEXT/HTML", "text/html"),
        ("application/xhtml+xml", "application/xhtml+xml"),
        ("text/plain; charset=utf-8", "text/plain"),
        (None, "text/html"),  # no Content-Type at all: sniffed
    ],
)
async def test_article_types(
    fetcher: Fetcher, article_server: ArticleServer, content_type: str | None, expected: str
) -> None:
    article_server.add(
        "doc", "<!DOCTYPE html><html><body><p>Hello there</p></body></html>", content_type=content_type
    )
    result = await fetcher.fetch(article_server.url("doc"))
    assert result.content_type == expected
    assert result.text is not None and "Hello there" in result.text


async def test_pdf_is_fetched_as_bytes(fetcher: Fetcher, article_server: ArticleServer) -> None:
    pdf = make_pdf(["A short line of text."])
    article_server.add("report", pdf, content_type="application/pdf")
    article_server.add("report.pdf", pdf, content_type="application/octet-stream")
    for path in ("report", "report.pdf"):
        result = await fetcher.fetch(article_server.url(path))
        assert result.content_type == "application/pdf"
        assert result.body == pdf and result.text is None


async def test_binary_labelled_pdf_that_is_not(fetcher: Fetcher, article_server: ArticleServer) -> None:
    article_server.add("fake.pdf", bytes(300), content_type="application/octet-stream")
    with pytest.raises(NotAnArticle):
        await fetcher.fetch(article_server.url("fake.pdf"))


# -- charsets ------------------------------------------------------------------------------------------

TEXT = "Café owner José Núñez said the crème brûlée sold out by noon — again."


def html_page(body: str, meta: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{meta}<title>t</title></head><body><p>{body}</p></body></html>"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        # latin-1 bytes labelled utf-8
        (html_page(TEXT.replace("—", "-")).encode("latin-1"), "text/html; charset=utf-8"),
        # utf-8 bytes labelled latin-1
        (html_page(TEXT).encode("utf-8"), "text/html; charset=iso-8859-1"),
        # charset only in a meta tag
        (html_page(TEXT, '<meta charset="windows-1252">').encode("cp1252"), "text/html"),
        (
            html_page(
                TEXT, '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
            ).encode("cp1252"),
            "text/html",
        ),
        # a BOM wins over a wrong label
        (b"\xef\xbb\xbf" + html_page(TEXT).encode("utf-8"), "text/html; charset=windows-1252"),
        (html_page(TEXT).encode("utf-16"), "text/html; charset=utf-8"),
        # nothing declared at all
        (html_page(TEXT).encode("utf-8"), "text/html"),
        (html_page(TEXT.replace("—", "-")).encode("cp1252"), "text/html"),
        # an unknown label
        (html_page(TEXT).encode("utf-8"), "text/html; charset=klingon-8"),
    ],
)
async def test_charsets(
    fetcher: Fetcher, article_server: ArticleServer, body: bytes, content_type: str
) -> None:
    article_server.add("enc", body, content_type=content_type)
    result = await fetcher.fetch(article_server.url("enc"))
    assert result.text is not None
    assert "Café owner José Núñez said the crème brûlée" in result.text
