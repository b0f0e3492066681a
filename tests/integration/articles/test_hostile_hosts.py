"""Hosts with control characters, spaces or other characters no DNS name has are refused before any lookup,
raw or percent-encoded: the resolver is never asked (issue 11)."""

from __future__ import annotations

import pytest

from bot.app.errors import FetchRefused
from bot.articles.fetch import MSG_BAD_URL, Fetcher, FetchPolicy
from bot.articles.netguard import AddressGuard, VettingResolver
from tests.fakes.article_server import FakeResolver

BAD_HOSTS = [
    "http://127.0.0.1%00.evil.test/",
    "http://127.0.0.1\x00.evil.test/",
    "http://127.0.0.1%20.evil.test/",
    "http://exa%09mple.test/",
    "http://evil%0a.test/",
    "http://evil%0d%0aHost:%20x.test/",
    "http://ev%7fil.test/",
    "http://evil\x7f.test/",
    "http://a%3cb.test/",
    "http://a%22b.test/",
    "http://a%2525b.test/",
    "http://a%2Fb.test/",
]


@pytest.mark.parametrize("url", BAD_HOSTS)
async def test_malformed_hosts_are_refused_before_the_resolver_is_asked(url: str) -> None:
    resolver = FakeResolver({"127.0.0.1": ["93.184.216.34"]})
    async with Fetcher(FetchPolicy(), resolver=resolver) as fetcher:
        with pytest.raises(FetchRefused) as refused:
            await fetcher.fetch(url)
    assert refused.value.message == MSG_BAD_URL
    assert resolver.calls == []


@pytest.mark.parametrize("host", ["127.0.0.1\x00.evil.test", "exa mple.test", "a\tb.test", "a/b.test", ""])
async def test_the_vetting_resolver_never_passes_a_malformed_name_on(host: str) -> None:
    inner = FakeResolver({})
    resolver = VettingResolver(AddressGuard(), inner)
    with pytest.raises(OSError, match="malformed name"):
        await resolver.resolve(host, 80)
    assert inner.calls == []


async def test_ordinary_names_still_reach_the_resolver() -> None:
    inner = FakeResolver({"news.example-site.test": ["93.184.216.34"], "xn--bcher-kva.test": ["93.184.216.34"],
                          "cdn_1.example.test": ["93.184.216.34"]})
    resolver = VettingResolver(AddressGuard(), inner)
    for host in ("news.example-site.test", "xn--bcher-kva.test", "cdn_1.example.test"):
        assert (await resolver.resolve(host, 80))[0]["host"] == "93.184.216.34"
    assert inner.calls == ["news.example-site.test", "xn--bcher-kva.test", "cdn_1.example.test"]
