"""Extraction never worse than trafilatura alone, and refusals only on evidence (pages we wrote).

Each page here is built so that a rule-first extractor gets it wrong: trafilatura's precision mode drops
a real paragraph, a complete brief sits next to misleading paywall and hidden-text signals, a short post
sits next to a longer sidebar. The quality figures on real pages come from `python -m bench extract`.
"""

from __future__ import annotations

import json

import pytest
import trafilatura

from bot.app.errors import TeaserOnly
from bot.articles.extract import extract_html
from tests.fakes.article_server import PAGES_DIR

URL = "https://news.example/2025/story"


def _page(name: str) -> str:
    return (PAGES_DIR / name).read_text(encoding="utf-8")


def _sentences(n: int, topic: str = "the harbour wall") -> list[str]:
    return [
        f"On day {i + 1} the council engineers measured {topic} again and wrote down {i + 3} new cracks, "
        f"which they said would need filling before the autumn storms reached the bay."
        for i in range(n)
    ]


def _article(paragraphs: list[str], *, head: str = "", after: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>Harbour wall survey | Bay Courier</title>{head}</head><body>"
        f"<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<main><article><h1>Harbour wall survey</h1><div class='body'>{body}</div>{after}</article></main>"
        "<footer>Bay Courier</footer></body></html>"
    )


# -- trafilatura's balanced reading is the floor -------------------------------------------------------


def test_a_paragraph_that_precision_mode_drops_is_kept() -> None:
    html = _page("boxed-paragraph-tide-gauge.html")
    boxed = "The restored gauge will keep a paper record beside the electronic sensor"
    # The premise: trafilatura's precision mode drops the bordered paragraph, its balanced mode keeps it.
    assert boxed not in (trafilatura.extract(html, favor_precision=True) or "")
    assert boxed in (trafilatura.extract(html) or "")
    article = extract_html(html, url=URL)
    assert boxed in article.text
    assert article.text.startswith("A clockwork tide gauge")


def test_a_pointer_to_another_story_is_dropped_though_trafilatura_keeps_it() -> None:
    html = _page("boxed-paragraph-tide-gauge.html")
    assert "Harbour dredging to start" in (trafilatura.extract(html) or "")
    assert "Harbour dredging to start" not in extract_html(html, url=URL).text


def test_metadata_of_the_boxed_paragraph_page() -> None:
    article = extract_html(_page("boxed-paragraph-tide-gauge.html"), url=URL)
    assert (article.title, article.author, article.date, article.site, article.language) == (
        "Volunteers bring Saltcote's 1920s tide gauge back to life",
        "Tamsin Okafor-Reid",
        "2025-03-30",
        "Estuary Mercury",
        "en",
    )


@pytest.mark.parametrize(
    "pointer",
    [
        "Lees ook: <a href='/a'>Nieuwe veerboot vaart vanaf mei tussen de eilanden</a>",
        "Les også » <a href='/b'>Fergen til øya får nye avganger i sommer</a>",
        "Read next | <a href='/c'>Lifeboat crew trains six new volunteers</a>",
    ],
)
def test_pointers_are_recognised_by_their_shape_in_any_language(pointer: str) -> None:
    paragraphs = _sentences(6)
    html = _article([*paragraphs[:3], pointer, *paragraphs[3:]])
    linked_text = pointer.split(">", 1)[1].split("<", 1)[0]
    assert linked_text in (trafilatura.extract(html) or "")
    text = extract_html(html, url=URL).text
    assert linked_text not in text
    assert all(p in text for p in paragraphs)


def test_a_labelled_sentence_is_not_a_pointer() -> None:
    paragraphs = _sentences(5)
    notice = "Closure notice: <a href='/path'>the harbour wall path</a> will be closed for two weeks from Monday."
    text = extract_html(_article([*paragraphs[:2], notice, *paragraphs[2:]]), url=URL).text
    assert "Closure notice: the harbour wall path will be closed for two weeks from Monday." in text


def test_a_short_post_is_not_replaced_by_a_longer_sidebar() -> None:
    article = extract_html(_page("short-post-long-sidebar.html"), url=URL)
    assert article.text.startswith("The first hard frost arrived on Tuesday night")
    assert "broad beans" not in article.text and "Wharf Lane" not in article.text


# -- teasers need evidence -----------------------------------------------------------------------------


def test_a_complete_short_brief_is_not_a_teaser() -> None:
    # Misleading signals elsewhere on the page: a hidden privacy panel full of paragraphs, and
    # "Subscribers only" labels on other stories' links.
    article = extract_html(_page("short-brief-complete.html"), url=URL)
    assert 50 <= article.words <= 80
    assert article.text.startswith("The wooden footbridge over the River Wend")
    assert article.text.endswith("most of it covered by insurance.")
    assert "cookies" not in article.text and "Subscribers only" not in article.text


def test_a_wall_prompt_right_after_a_short_lead_is_a_teaser() -> None:
    prompt = (
        "<div class='paywall'><h3>Subscribe to continue reading</h3>"
        "<p>Get every story from the Bay Courier for two pounds a month.</p></div>"
    )
    with pytest.raises(TeaserOnly):
        extract_html(_article(_sentences(2), after=prompt), url=URL)


def test_the_same_prompt_under_a_full_story_is_not_a_teaser() -> None:
    prompt = "<div class='paywall'><p>Support local news: subscribe for two pounds a month.</p></div>"
    assert extract_html(_article(_sentences(8), after=prompt), url=URL).words > 200


def _locked(word_count: int | None) -> str:
    data: dict[str, object] = {"@type": "NewsArticle", "headline": "Harbour wall survey", "isAccessibleForFree": False}
    if word_count:
        data["wordCount"] = word_count
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_a_locked_page_is_a_teaser_when_its_declared_length_shows_the_cut() -> None:
    paragraphs = _sentences(7)  # about 230 words: long for a teaser, short for the declared 900
    assert extract_html(_article(paragraphs, head=_locked(None)), url=URL).words > 200
    with pytest.raises(TeaserOnly):
        extract_html(_article(paragraphs, head=_locked(900)), url=URL)


# -- text hygiene --------------------------------------------------------------------------------------


def test_chinese_text_is_counted_by_characters() -> None:
    paragraphs = [
        "港口管理局星期五宣布，东码头的木栈桥经过四个月的维修后重新开放，钓鱼的人一早就回来了。",
        "这次维修一共花了三十一万英镑，资金来自风暴过后设立的港口储备基金，没有动用市政预算。",
        "栈桥尽头的小咖啡馆下个星期也会重新营业，老板说他已经准备好了新的桌椅和遮阳伞。",
        "管理局表示，以后每年春天都会检查栈桥的木板和栏杆，避免再次出现这样严重的损坏。",
        "附近的居民说，栈桥关闭的这几个月里，海边一下子安静了很多，现在终于又热闹起来了。",
    ]
    html = (
        "<html lang='zh'><head><title>东码头栈桥重新开放</title></head><body><article><h1>东码头栈桥重新开放</h1>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "</article></body></html>"
    )
    article = extract_html(html, url=URL)  # about 200 characters, 5 whitespace-separated "words"
    assert paragraphs[2] in article.text and article.language == "zh"


def test_text_is_in_composed_unicode_form() -> None:
    decomposed = "The cafe\u0301 on the quay"
    paragraphs = [f"{decomposed} reopened this week, and {s}" for s in _sentences(4)]
    text = extract_html(_article(paragraphs), url=URL).text
    assert "The café on the quay" in text and "\u0301" not in text
