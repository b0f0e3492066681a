"""Links in Discord messages: finding, canonical form, obvious non-articles."""

from __future__ import annotations

import pytest

from bot.articles.urls import canonicalize, find_links, normalize_host, skip_reason

# -- find_links ---------------------------------------------------------------------------------------


def test_finds_links_in_order() -> None:
    text = "read https://a.example/one and then http://b.example/two please"
    assert find_links(text) == ["https://a.example/one", "http://b.example/two"]


def test_no_links() -> None:
    assert find_links("no links here, just httpclient talk") == []
    assert find_links("") == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("see https://a.example/story.", "https://a.example/story"),
        ("see https://a.example/story, then", "https://a.example/story"),
        ("wow https://a.example/story!", "https://a.example/story"),
        ("really https://a.example/story?", "https://a.example/story"),
        ("like this: https://a.example/story: yes", "https://a.example/story"),
        ("x https://a.example/story; y", "https://a.example/story"),
        ('"https://a.example/story"', "https://a.example/story"),
        ("'https://a.example/story'", "https://a.example/story"),
        ("(see https://a.example/story)", "https://a.example/story"),
        ("https://en.example/wiki/Pier_(harbour)", "https://en.example/wiki/Pier_(harbour)"),
        ("(https://en.example/wiki/Pier_(harbour))", "https://en.example/wiki/Pier_(harbour)"),
        ("[the story](https://a.example/story)", "https://a.example/story"),
        ("**https://a.example/story**", "https://a.example/story"),
        ("https://a.example/search?q=1&page=2.", "https://a.example/search?q=1&page=2"),
        ("HTTPS://A.example/Story", "HTTPS://A.example/Story"),
    ],
)
def test_trailing_punctuation_is_not_part_of_the_link(content: str, expected: str) -> None:
    assert find_links(content) == [expected]


@pytest.mark.parametrize(
    "content",
    [
        "`https://hidden.example/a`",
        "``https://hidden.example/a``",
        "```\nhttps://hidden.example/a\n```",
        "```py\nurl = 'https://hidden.example/a'\n```",
        "<https://hidden.example/a>",
        "||https://hidden.example/a||",
        "|| spoiler text https://hidden.example/a more ||",
    ],
)
def test_links_in_code_spoilers_and_no_embed_form_are_skipped(content: str) -> None:
    assert find_links(f"{content} but https://shown.example/b") == ["https://shown.example/b"]


def test_unclosed_code_block_is_plain_text() -> None:
    assert find_links("``` https://a.example/x") == ["https://a.example/x"]


def test_duplicates_by_canonical_form_are_dropped_keeping_the_first() -> None:
    text = (
        "https://a.example/story?utm_source=x https://A.EXAMPLE/story#comments "
        "https://a.example:443/story https://b.example/"
    )
    assert find_links(text) == ["https://a.example/story?utm_source=x", "https://b.example/"]


def test_limit() -> None:
    text = " ".join(f"https://s{i}.example/" for i in range(6))
    assert find_links(text) == ["https://s0.example/", "https://s1.example/", "https://s2.example/"]
    assert len(find_links(text, limit=5)) == 5
    assert find_links(text, limit=0) == []


def test_invalid_links_are_skipped() -> None:
    assert find_links("https:// http://[broken https://x:99999/ https://ok.example/") == [
        "https://ok.example/"
    ]


# -- canonicalize -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.COM", "http://example.com/"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com:80/a", "https://example.com:80/a"),
        ("https://example.com/a#section-2", "https://example.com/a"),
        ("https://example.com/a?utm_source=tw&utm_medium=social&id=7", "https://example.com/a?id=7"),
        ("https://example.com/a?b=2&fbclid=XYZ&a=1&gclid=1", "https://example.com/a?b=2&a=1"),
        ("https://example.com/?mc_cid=1&mc_eid=2&igshid=3&yclid=4&dclid=5&msclkid=6", "https://example.com/"),
        ("https://example.com/?_hsenc=1&_hsmi=2&ref_src=twsrc", "https://example.com/"),
        ("https://example.com/a?UTM_Campaign=x&q=a+b", "https://example.com/a?q=a+b"),
        ("https://example.com/a?q=%2F&empty=", "https://example.com/a?q=%2F&empty="),
        ("https://bücher.example/straße", "https://xn--bcher-kva.example/stra%C3%9Fe"),
        ("https://ＥＸＡＭＰＬＥ。com/", "https://example.com/"),
        ("https://example.com./a", "https://example.com/a"),
        ("https://user:pw@example.com/a", "https://example.com/a"),
        ("http://[2001:DB8::1]:80/x", "http://[2001:db8::1]/x"),
        ("http://0x7f.1/", "http://127.0.0.1/"),
        ("http://2130706433/", "http://127.0.0.1/"),
        ("  https://example.com/a  ", "https://example.com/a"),
    ],
)
def test_canonicalize(url: str, expected: str) -> None:
    assert canonicalize(url) == expected


def test_canonical_form_is_stable() -> None:
    once = canonicalize("HTTPS://Bücher.example:443/ä?utm_source=x&b=1#top")
    assert canonicalize(once) == once


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/html,<b>x</b>",
        "gopher://example.com/",
        "example.com/no-scheme",
        "http://",
        "http://exa mple.com/",
        "http://example.com:99999/",
        "http://[not-ipv6]/",
        "http://256.256.256.256/",
        "http://1.2.3.4.5/",
        "http://0x100000000/",
        "http://08.0.0.1/",
    ],
)
def test_canonicalize_rejects_non_http_and_invalid(url: str) -> None:
    with pytest.raises(ValueError):
        canonicalize(url)


# -- numeric hosts, parsed the way browsers do --------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"),
        ("0X7F.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("0xa9.0xfe.0xa9.0xfe", "169.254.169.254"),
        ("127.0.0.1.", "127.0.0.1"),
        ("１２７.０.０.１", "127.0.0.1"),
        ("127.0.0.1%2e", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("[::FFFF:127.0.0.1]", "::ffff:7f00:1"),
        ("Example.COM", "example.com"),
        ("1.2.3.example", "1.2.3.example"),
    ],
)
def test_normalize_host(host: str, expected: str) -> None:
    assert normalize_host(host) == expected


# -- skip_reason --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://a.example/cat.jpg", "image"),
        ("https://a.example/cat.JPEG?width=300", "image"),
        ("https://a.example/anim.gif", "image"),
        ("https://a.example/clip.mp4", "video"),
        ("https://a.example/talk.mp3", "audio"),
        ("https://a.example/source.tar.gz", "archive"),
        ("https://a.example/setup.exe", "program"),
        ("https://a.example/app.apk", "program"),
        ("https://discord.com/channels/1/2/3", "Discord link"),
        ("https://discord.gg/invite", "Discord link"),
        ("https://cdn.discordapp.com/attachments/1/2/report.html", "Discord link"),
        ("https://media.discordapp.net/attachments/1/2/x.png", "Discord link"),
        ("https://tenor.com/view/cat-123", "GIF"),
        ("https://media.giphy.com/media/abc/giphy.gif", "GIF"),
    ],
)
def test_skip_reason(url: str, reason: str) -> None:
    assert skip_reason(url) == reason


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example/2025/03/12/library-expansion/",
        "https://news.example/story.html",
        "https://news.example/report.pdf",
        "https://news.example/v1.2/notes",
        "https://notdiscord.com/post",
        "https://news.example/",
    ],
)
def test_may_be_an_article(url: str) -> None:
    assert skip_reason(url) is None
