"""Evidence from the page itself: declared furniture, pointers to other pages, agreement between texts."""

from __future__ import annotations

from lxml import html as lxml_html  # type: ignore[import-untyped]

from bot.articles.consensus import (
    body_shingles,
    closest_to_consensus,
    furniture_evidence,
    link_lead_ins,
    tokens,
)

STORY = [
    "The mill pond was dredged in May for the first time since the flood of 1998.",
    "Contractors lifted four hundred tonnes of silt and spread it on the water meadows.",
    "Within a fortnight the mallards and a pair of moorhens had come back to the reeds.",
    "The parish council paid for the work from a grant meant for village green repairs.",
    "Children from the primary school counted the ducks every Friday for a science project.",
    "Their tally rose from nine birds in June to thirty-one by the end of the summer term.",
    "A heron now visits at dawn, which the anglers on the east bank say is bad news for them.",
    "The council will decide in October whether to dredge the smaller pond by the chapel.",
]


def _page(inner: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(f"<html><body>{inner}</body></html>")


def _story_html(paragraphs: list[str]) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def test_tokens_split_chinese_into_characters() -> None:
    assert tokens("Mill pond 磨坊池塘, 2025") == ["mill", "pond", "磨", "坊", "池", "塘", "2025"]


def test_declared_furniture_is_evidence_against_the_paragraphs_inside_it() -> None:
    pager = "Previous story: the village fete raised more money than ever for the church roof"
    page = _page(f"<article>{_story_html(STORY)}<nav><p>{pager}</p></nav></article>")
    evidence = furniture_evidence(page, body_shingles([*STORY, pager]))
    assert evidence.holds(pager)
    assert not any(evidence.holds(p) for p in STORY)


def test_furniture_holding_the_extraction_is_its_wrapper_not_furniture() -> None:
    pager = "Next story: the bus timetable changes again in the spring"
    page = _page(f"<aside class='story'>{_story_html(STORY)}<nav><p>{pager}</p></nav></aside>")
    evidence = furniture_evidence(page, body_shingles([*STORY, pager]))
    assert not any(evidence.holds(p) for p in STORY)  # the article laid out in an <aside>
    assert evidence.holds(pager)  # the furniture inside the wrapper still counts


def test_a_kind_of_furniture_that_holds_the_extraction_together_is_structure() -> None:
    # A live blog whose entries are each an <aside>: none is large, together they are the article.
    page = _page("".join(f"<aside><p>{p}</p></aside>" for p in STORY))
    evidence = furniture_evidence(page, body_shingles(STORY))
    assert not any(evidence.holds(p) for p in STORY)


def test_short_furniture_is_matched_whole() -> None:
    page = _page(f"<article>{_story_html(STORY)}<button>Share</button><button>Print page</button></article>")
    evidence = furniture_evidence(page, body_shingles(STORY))
    assert evidence.holds("Print page") and evidence.holds("Share")
    assert not evidence.holds("Ducks returned")


def test_scripts_are_not_furniture() -> None:
    page = _page(f"<article>{_story_html(STORY[:2])}</article><script>var s = '{STORY[5]}';</script>")
    assert not furniture_evidence(page, body_shingles(STORY)).holds(STORY[5])


def test_pointers_are_a_label_a_separator_and_exactly_a_links_text() -> None:
    links = ["Ferry fares rise in April", "Seal pups on the spit", "Lifeboat crew trains volunteers"]
    page = _page("".join(f"<a href='/{i}'>{t}</a>" for i, t in enumerate(links)))
    paragraphs = [
        f"See also: {links[0]}",
        f"Lees ook » {links[1]}",
        f"Read next | {links[2]}",
        f"Our reporter: {links[0]} and more",  # more than the link's text: a sentence
        f"- Report: {links[1]}",  # a list item: the article's own list of links
        f"| Source | {links[2]} |",  # a table row
        "Also: a line whose text is not a link on this page",
        links[0],  # no label
    ]
    assert link_lead_ins(paragraphs, page) == {0, 1, 2}


def test_no_pointers_means_no_link_reading() -> None:
    assert link_lead_ins(STORY, _page("")) == set()


def test_the_candidate_closest_to_what_the_others_agree_on_wins() -> None:
    sidebar = ["Spring on the plot means broad beans under fleece and nets against the pigeons."]
    junk = ["Skip to content", "Rate this: one star two stars three stars", "Life is not a blog roll"]
    # A short story two readings agree on beats a longer sidebar only one of them saw.
    assert closest_to_consensus([STORY[:2], STORY[:2], sidebar]) == 0
    # The clean reading beats one padded with furniture the others did not keep.
    assert closest_to_consensus([[*junk, *STORY[:3]], STORY[:3], STORY[:3]]) == 1
    # A reading that only adds what others agree on is closer than one that misses it.
    assert closest_to_consensus([STORY[:2], STORY[:4], STORY[:4]]) == 1
    assert closest_to_consensus([STORY[:2], STORY[:2]]) == 0  # a tie: the first (trafilatura's)


def test_no_consensus_without_two_readings_in_common() -> None:
    assert closest_to_consensus([STORY[:2], [], ["Another text about the weather on the coast."]]) is None
    assert closest_to_consensus([[], []]) is None
