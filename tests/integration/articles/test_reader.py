"""read_article end to end (real Fetcher, loopback server) and the CLI entry points read_file/read_bytes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.app.errors import FetchFailed, FetchRefused, NotAnArticle, TeaserOnly
from bot.articles import fetch as F
from bot.articles.fetch import Fetcher
from bot.articles.reader import read_article, read_bytes, read_file
from bot.util.workers import Workers
from tests.fakes.article_server import PAGES_DIR, ArticleServer, make_pdf
from tests.helpers.paths import DEMO_PAGE


async def test_reads_an_article(fetcher: Fetcher, workers: Workers, article_server: ArticleServer) -> None:
    url = article_server.url("pages/heraldo-mercado-es.html?utm_source=discord&fbclid=abc#comments")
    article = await read_article(url, fetcher, workers)
    assert article.url == article_server.url("pages/heraldo-mercado-es.html")  # canonical
    assert article.final_url == article.url
    assert article.title == "El mercado de abastos de Almendral reabre tras dos años de obras"
    assert article.language == "es" and article.words > 300
    # tracking parameters never reached the site
    assert article_server.requests[-1].query == ""


async def test_article_url_is_canonical_and_final_url_follows_redirects(
    fetcher: Fetcher, workers: Workers, article_server: ArticleServer
) -> None:
    article_server.redirect("s/abc", "/pages/courier-ferry-returns.html")
    article = await read_article(article_server.url("s/abc?utm_campaign=x"), fetcher, workers)
    assert article.url == article_server.url("s/abc")
    assert article.final_url == article_server.url("pages/courier-ferry-returns.html")
    assert article.site == "Northgate Courier"


async def test_reads_the_demo_article(fetcher: Fetcher, workers: Workers, article_server: ArticleServer) -> None:
    article_server.add("harbor-solar.html", DEMO_PAGE.read_bytes())
    article = await read_article(article_server.url("harbor-solar.html"), fetcher, workers)
    assert article.title == "Harbor commission approves solar canopy for ferry terminal lot"
    assert "$2.8 million" in article.text


async def test_reads_plain_text_and_pdf(fetcher: Fetcher, workers: Workers, article_server: ArticleServer) -> None:
    text = "Pier notice\n\n" + " ".join(["The pier will close for repairs from Monday to Friday."] * 8)
    article_server.add("notice", text, content_type="text/plain; charset=utf-8")
    article = await read_article(article_server.url("notice"), fetcher, workers)
    assert article.title == "Pier notice" and article.content_type == "text/plain"

    lines = ["Pier repair report", ""] + ["The pier will close for repairs from Monday to Friday."] * 10
    article_server.add("report", make_pdf(lines, title="Pier repair report"), content_type="application/pdf")
    article = await read_article(article_server.url("report"), fetcher, workers)
    assert article.title == "Pier repair report" and article.content_type == "application/pdf"
    assert article.url == article_server.url("report")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("photo.jpg", "That link is not an article (image)."),
        ("clip.mp4", "That link is not an article (video)."),
        ("setup.exe", "That link is not an article (program)."),
    ],
)
async def test_obvious_non_articles_are_not_fetched(
    fetcher: Fetcher, workers: Workers, article_server: ArticleServer, path: str, message: str
) -> None:
    with pytest.raises(NotAnArticle) as err:
        await read_article(article_server.url(path), fetcher, workers)
    assert err.value.message == message
    assert article_server.requests == []


async def test_discord_links_are_not_fetched(fetcher: Fetcher, workers: Workers) -> None:
    with pytest.raises(NotAnArticle) as err:
        await read_article("https://cdn.discordapp.com/attachments/1/2/page.html", fetcher, workers)
    assert err.value.message == "That link is not an article (Discord link)."


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "ftp://a.example/x"])
async def test_non_http_links_are_refused(fetcher: Fetcher, workers: Workers, url: str) -> None:
    with pytest.raises(FetchRefused) as err:
        await read_article(url, fetcher, workers)
    assert err.value.message == F.MSG_SCHEME


async def test_invalid_links_are_refused(fetcher: Fetcher, workers: Workers) -> None:
    with pytest.raises(FetchRefused) as err:
        await read_article("http://256.1.1.1/", fetcher, workers)
    assert err.value.message == F.MSG_BAD_URL


async def test_errors_come_through_as_user_facing_errors(
    fetcher: Fetcher, workers: Workers, article_server: ArticleServer
) -> None:
    with pytest.raises(FetchFailed):
        await read_article(article_server.url("status/404"), fetcher, workers)
    with pytest.raises(TeaserOnly):
        await read_article(article_server.url("pages/paywall-jsonld-teaser.html"), fetcher, workers)
    article_server.add("empty", "<html><body></body></html>")
    with pytest.raises(NotAnArticle):
        await read_article(article_server.url("empty"), fetcher, workers)
    article_server.add("image", b"GIF89a" + bytes(50), content_type="image/gif")
    with pytest.raises(NotAnArticle):
        await read_article(article_server.url("image"), fetcher, workers)


async def test_text_that_talks_to_the_bot_is_kept_verbatim(
    fetcher: Fetcher, workers: Workers, article_server: ArticleServer
) -> None:
    article = await read_article(article_server.url("pages/injection-instructions.html"), fetcher, workers)
    assert "Ignore all previous instructions" in article.text and "@everyone" in article.text


async def test_wrongly_labelled_latin1_page_reads_cleanly(
    fetcher: Fetcher, workers: Workers, article_server: ArticleServer
) -> None:
    page = (PAGES_DIR / "heraldo-mercado-es.html").read_text(encoding="utf-8")
    body = page.replace('<meta charset="utf-8">', "").replace("«", '"').replace("»", '"').encode("latin-1")
    article_server.add("latin", body, content_type="text/html; charset=utf-8")
    article = await read_article(article_server.url("latin"), fetcher, workers)
    assert "Íñigo Salaverría" in article.text and "\ufffd" not in article.text


# -- files (CLI) ---------------------------------------------------------------------------------------


def test_read_file_html(tmp_path: Path) -> None:
    article = read_file(PAGES_DIR / "courier-ferry-returns.html")
    assert article.title == "Island ferry back in service six weeks after storm damage"
    assert article.url.startswith("file:///")


def test_read_file_text_and_pdf(tmp_path: Path) -> None:
    txt = tmp_path / "notes.txt"
    txt.write_text(
        "Notes\n\n" + "The ferry leaves at nine and returns at noon every day. " * 8, encoding="utf-8"
    )
    assert read_file(txt).content_type == "text/plain"
    pdf = tmp_path / "no-suffix"
    pdf.write_bytes(make_pdf(["Report", ""] + ["The ferry leaves at nine and returns at noon."] * 10))
    assert read_file(pdf).content_type == "application/pdf"


def test_read_file_dash_is_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    data = (PAGES_DIR / "metro-bike-counters.html").read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    article = read_file("-")
    assert article.site == "Metro Dispatch" and article.url == "stdin:"


def test_read_bytes_sniffs_html_from_stdin() -> None:
    data = (PAGES_DIR / "valley-orchard-coop.html").read_bytes()
    article = read_bytes(data, name="-")
    assert article.title == "Orchard growers pool resources to buy shared cold store"
    assert article.url == "stdin:"
