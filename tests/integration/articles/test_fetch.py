"""The real Fetcher against hostile URLs: schemes, ports, addresses in every form, DNS, redirects.

Only 127.0.0.1/32 is allowed (the test knob); every other inside address must still be refused.
"""

from __future__ import annotations

import pytest

from bot.app.errors import FetchFailed, FetchRefused
from bot.articles import fetch as F
from bot.articles.fetch import Fetcher, FetchPolicy
from tests.fakes.article_server import ArticleServer, FakeResolver

PAGE = "pages/courier-ferry-returns.html"
PAGE_PHRASE = "Inchmore island"


def fetcher_with(policy: FetchPolicy, answers: dict[str, list[str] | list[list[str]]]) -> Fetcher:
    return Fetcher(policy, resolver=FakeResolver(answers))


# -- the happy path ------------------------------------------------------------------------------------


async def test_fetches_a_page(fetcher: Fetcher, article_server: ArticleServer) -> None:
    url = article_server.url(PAGE)
    result = await fetcher.fetch(url)
    assert result.status == 200
    assert result.url == url and result.final_url == url
    assert result.content_type == "text/html"
    assert result.charset == "utf-8"
    assert result.text is not None and PAGE_PHRASE in result.text
    assert result.body.decode("utf-8") == result.text
    seen = article_server.requests[-1]
    assert seen.headers["User-Agent"] == F.DEFAULT_USER_AGENT
    assert "PrecisBot" in seen.headers["User-Agent"] and "+https://" in seen.headers["User-Agent"]
    assert "gzip" in seen.headers["Accept-Encoding"]


async def test_name_is_resolved_by_the_injected_resolver_and_host_header_kept(
    fetch_policy: FetchPolicy, article_server: ArticleServer
) -> None:
    async with fetcher_with(fetch_policy, {"news.example": ["127.0.0.1"]}) as f:
        result = await f.fetch(article_server.url(PAGE, host="news.example"))
    assert result.text is not None and PAGE_PHRASE in result.text
    assert article_server.requests[-1].headers["Host"] == f"news.example:{article_server.port}"


async def test_credentials_in_the_link_are_not_sent(fetcher: Fetcher, article_server: ArticleServer) -> None:
    url = f"http://reader:secret@127.0.0.1:{article_server.port}/{PAGE}"
    await fetcher.fetch(url)
    assert "Authorization" not in article_server.requests[-1].headers


async def test_proxy_settings_in_the_environment_are_ignored(
    fetcher: Fetcher, article_server: ArticleServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A proxy would make the connection on our behalf, out of reach of the address checks.
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, "http://10.255.255.1:3128")
    result = await fetcher.fetch(article_server.url(PAGE))
    assert result.status == 200


# -- schemes, ports and addresses ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.org/file.txt",
        "javascript:alert(1)",
        "data:text/html,<p>hi</p>",
        "gopher://example.org/",
        "mailto:someone@example.org",
        "ws://example.org/",
        "//example.org/a",
    ],
)
async def test_non_http_schemes_are_refused(production_fetcher: Fetcher, url: str) -> None:
    with pytest.raises(FetchRefused) as err:
        await production_fetcher.fetch(url)
    assert err.value.message == F.MSG_SCHEME


INSIDE_LITERALS = [
    "127.0.0.1",
    "127.0.0.53",
    "10.0.0.1",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "240.0.0.1",
    "[::1]",
    "[::]",
    "[fe80::1]",
    "[fc00::1]",
    "[fd00:ec2::254]",
    "[ff02::1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:a9fe:a9fe]",
    "[::127.0.0.1]",
    "[2002:7f00:1::1]",
    "[2002:a00:1::]",
    "[2001:0:4136:e378:8000:63bf:3fff:fdd2]",
    "[64:ff9b::a00:1]",
    # numeric forms browsers and libc accept
    "2130706433",
    "017700000001",
    "0x7f000001",
    "0177.0.0.1",
    "0x7f.0.0.1",
    "0X7F.1",
    "127.1",
    "127.0.1",
    "0xa9fea9fe",
    "0251.0376.0251.0376",
    "10.1",
    "0",
    "127.0.0.1.",
    "%31%32%37.0.0.1",
    "１２７.０.０.１",
]


@pytest.mark.parametrize("host", INSIDE_LITERALS)
async def test_inside_addresses_in_every_form_are_refused(production_fetcher: Fetcher, host: str) -> None:
    with pytest.raises(FetchRefused) as err:
        await production_fetcher.fetch(f"http://{host}/latest/meta-data/")
    assert err.value.message == F.MSG_PRIVATE


@pytest.mark.parametrize("host", ["127.0.0.2", "2130706434", "0x7f.0.0.2", "127.2", "0177.0.0.02"])
async def test_test_knob_allows_only_its_own_network(
    fetcher: Fetcher, article_server: ArticleServer, host: str
) -> None:
    with pytest.raises(FetchRefused):
        await fetcher.fetch(f"http://{host}:{article_server.port}/{PAGE}")
    assert article_server.requests == []


@pytest.mark.parametrize("host", ["2130706433", "0x7f.1", "0177.0.0.1", "127.1"])
async def test_numeric_forms_mean_the_same_address(
    fetcher: Fetcher, article_server: ArticleServer, host: str
) -> None:
    result = await fetcher.fetch(f"http://{host}:{article_server.port}/{PAGE}")
    assert result.final_url == article_server.url(PAGE)


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.7",
        "192.168.0.10",
        "169.254.169.254",
        "100.100.100.200",
        "127.0.0.2",
        "0.0.0.0",
        "::1",
        "fe80::1%1",
        "fd00::1",
        "::ffff:10.0.0.1",
        "2002:c0a8:1::1",
    ],
)
async def test_names_that_resolve_inside_are_refused(
    fetch_policy: FetchPolicy, article_server: ArticleServer, address: str
) -> None:
    async with fetcher_with(fetch_policy, {"inside.example": [address]}) as f:
        with pytest.raises(FetchRefused) as err:
            await f.fetch(article_server.url(PAGE, host="inside.example"))
    assert err.value.message == F.MSG_PRIVATE
    assert article_server.requests == []


async def test_one_inside_answer_among_several_is_enough_to_refuse(
    fetch_policy: FetchPolicy, article_server: ArticleServer
) -> None:
    async with fetcher_with(fetch_policy, {"mixed.example": ["127.0.0.1", "10.0.0.1"]}) as f:
        with pytest.raises(FetchRefused):
            await f.fetch(article_server.url(PAGE, host="mixed.example"))
    assert article_server.requests == []


async def test_dns_rebinding_cannot_swap_the_checked_address(
    fetch_policy: FetchPolicy, article_server: ArticleServer
) -> None:
    # First answer: allowed. Every later answer: an inside address. The connection must use the
    # answer that was checked, so the page arrives (a second lookup would be refused or go elsewhere).
    resolver = FakeResolver({"rebind.example": [["127.0.0.1"], ["10.0.0.1"]]})
    async with Fetcher(fetch_policy, resolver=resolver) as f:
        result = await f.fetch(article_server.url(PAGE, host="rebind.example"))
    assert result.text is not None and PAGE_PHRASE in result.text
    assert resolver.calls == ["rebind.example"]


async def test_ports_other_than_the_allowed_ones_are_refused(production_fetcher: Fetcher) -> None:
    for url in ("http://example.org:8080/", "https://example.org:22/", "http://example.org:6379/"):
        with pytest.raises(FetchRefused) as err:
            await production_fetcher.fetch(url)
        assert err.value.message == F.MSG_PORT


async def test_allow_private_setting_lets_local_servers_through(article_server: ArticleServer) -> None:
    async with Fetcher(FetchPolicy.from_settings(allow_private=True)) as f:
        result = await f.fetch(article_server.url(PAGE))
    assert result.status == 200
    async with Fetcher(FetchPolicy.from_settings(allow_private=False)) as f:
        with pytest.raises(FetchRefused):
            await f.fetch(article_server.url(PAGE))


@pytest.mark.parametrize("url", ["http://exa mple.org/", "http://[zz::1/", "http://:80/", "http://a..b/"])
async def test_malformed_urls_are_refused(production_fetcher: Fetcher, url: str) -> None:
    with pytest.raises(FetchRefused) as err:
        await production_fetcher.fetch(url)
    assert err.value.message == F.MSG_BAD_URL


# -- redirects -----------------------------------------------------------------------------------------


async def test_redirect_chain_within_the_limit_is_followed(
    fetcher: Fetcher, article_server: ArticleServer
) -> None:
    result = await fetcher.fetch(article_server.url(f"chain/5?end=/{PAGE}"))
    assert result.final_url == article_server.url(PAGE)
    assert len(result.redirects) == 5
    assert result.text is not None and PAGE_PHRASE in result.text


async def test_too_many_redirects(fetcher: Fetcher, article_server: ArticleServer) -> None:
    with pytest.raises(FetchFailed) as err:
        await fetcher.fetch(article_server.url(f"chain/6?end=/{PAGE}"))
    assert err.value.message == F.MSG_TOO_MANY_REDIRECTS
    assert article_server.hits("/chain") == 6
    assert article_server.hits("/pages") == 0


async def test_redirect_loop(fetcher: Fetcher, article_server: ArticleServer) -> None:
    with pytest.raises(FetchFailed) as err:
        await fetcher.fetch(article_server.url("loop/a"))
    assert err.value.message == F.MSG_REDIRECT_LOOP
    assert article_server.hits("/loop") == 2


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_every_redirect_status_is_followed(
    fetcher: Fetcher, article_server: ArticleServer, status: int
) -> None:
    article_server.redirect("moved", f"/{PAGE}", status=status)
    result = await fetcher.fetch(article_server.url("moved"))
    assert result.final_url == article_server.url(PAGE)


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://[::1]/",
        "http://0x7f000002/",
        "http://2130706434/",
        "http://inside.example/admin",
    ],
)
async def test_redirects_to_inside_addresses_are_refused(
    fetch_policy: FetchPolicy, article_server: ArticleServer, target: str
) -> None:
    article_server.redirect("out", target)
    async with fetcher_with(fetch_policy, {"inside.example": ["192.168.0.10"]}) as f:
        with pytest.raises(FetchRefused) as err:
            await f.fetch(article_server.url("out"))
    assert err.value.message == F.MSG_PRIVATE


async def test_redirect_to_another_port_or_scheme_is_refused(
    fetcher: Fetcher, article_server: ArticleServer
) -> None:
    article_server.redirect("to-ssh", "http://127.0.0.1:22/")
    with pytest.raises(FetchRefused) as err:
        await fetcher.fetch(article_server.url("to-ssh"))
    assert err.value.message == F.MSG_PORT
    article_server.redirect("to-file", "file:///etc/passwd")
    with pytest.raises(FetchRefused) as err:
        await fetcher.fetch(article_server.url("to-file"))
    assert err.value.message == F.MSG_SCHEME
