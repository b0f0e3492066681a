"""Extraction quality and behaviour on hand-written pages (tests/fixtures/pages, original invented stories).

Quality bar: 4-gram shingle F1 >= 0.95 between the extracted body and a hand-made ground truth, per page.
Shingles are counted as a multiset, so boilerplate repeated in the output (pull quotes) costs precision.
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from bot.app.errors import NotAnArticle, TeaserOnly
from bot.articles.extract import MSG_NO_TEXT, extract_html, extract_pdf, extract_text
from bot.articles.language import choose_language, guess_language
from bot.articles.pdf import MSG_NO_TEXT as PDF_NO_TEXT
from bot.articles.pdf import MSG_UNREADABLE
from tests.fakes.article_server import PAGES_DIR, make_pdf
from tests.helpers.paths import DEMO_PAGE

REGRESSION = sorted(p for p in PAGES_DIR.glob("*.html") if p.with_suffix(".txt").exists())
CASES = [(p, p.with_suffix(".txt")) for p in REGRESSION] + [(DEMO_PAGE, PAGES_DIR / "demo-harbor-solar.txt")]
URL = "https://news.example/2025/story"


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = re.findall(r"\w+", text.lower())
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def shingle_f1(extracted: str, truth: str) -> float:
    got, want = shingles(extracted), shingles(truth)
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def test_f1_helper_can_fail() -> None:
    truth = "one two three four five six seven eight"
    assert shingle_f1(truth, truth) == 1.0
    assert shingle_f1("nothing in common at all here", truth) == 0.0
    assert shingle_f1(truth + " " + truth, truth) < 0.7  # repeats cost precision


def test_regression_set_is_big_enough() -> None:
    assert len(REGRESSION) >= 8
    for page, truth in CASES:
        assert 300 <= len(truth.read_text(encoding="utf-8").split()) <= 900, truth.name
        assert page.exists()


@pytest.mark.parametrize(("page", "truth"), CASES, ids=[c[0].stem for c in CASES])
def test_body_matches_ground_truth(page: Path, truth: Path) -> None:
    article = extract_html(page.read_text(encoding="utf-8"), url=URL)
    f1 = shingle_f1(article.text, truth.read_text(encoding="utf-8"))
    assert f1 >= 0.95, f"{page.name}: F1 {f1:.3f}"
    assert "\n\n" in article.text and "\n\n\n" not in article.text


METADATA = {
    "ledger-council-budget": (
        "Millbrook council approves library expansion after late-night vote",
        "Dana Whitcombe",
        "2025-03-12",
        "The Millbrook Ledger",
        "en",
    ),
    "courier-ferry-returns": (
        "Island ferry back in service six weeks after storm damage",
        "Ines Farrow",
        "2024-11-28",
        "Northgate Courier",
        "en",
    ),
    "valley-orchard-coop": (
        "Orchard growers pool resources to buy shared cold store",
        "Kofi Mensah-Lindqvist",
        "2024-09-03",
        "Valley Post",
        "en",
    ),
    "gazette-meteorite-museum": (
        "Farmer's doorstop turns out to be rare iron meteorite",
        "Priya Ramaswamy",
        "2025-05-19",
        "Harrow Hill Gazette",
        "en",
    ),
    "coastline-bakery-award": (
        "Tidewater bakery's rye loaf named best in the country",
        "Jonah Abernethy",
        "2024-06-14",
        "Coastline Weekly",
        "en",
    ),
    "heraldo-mercado-es": (
        "El mercado de abastos de Almendral reabre tras dos años de obras",
        "Lucía Etxeberria",
        "2025-02-08",
        "El Heraldo de Almendral",
        "es",
    ),
    "quarterly-lighthouse-longform": (
        "The last keeper of Gannet Rock",
        "Theo Vasquez-Bernier",
        "2024-10-01",
        "Shoreline Quarterly",
        "en",
    ),
    "tribune-fire-tanker-tables": (
        "Fire company's pancake breakfasts pay for new tanker",
        "Wendell Stroud",
        "2025-04-17",
        "Oak Fork Tribune",
        "en",
    ),
    "metro-bike-counters": (
        "Bike counters show Linden Avenue lane tripled cycling in a year",
        "Sofia Brandauer",
        "2024-10-22",
        "Metro Dispatch",
        "en",
    ),
}


@pytest.mark.parametrize("name", sorted(METADATA))
def test_metadata(name: str) -> None:
    article = extract_html((PAGES_DIR / f"{name}.html").read_text(encoding="utf-8"), url=URL)
    assert (article.title, article.author, article.date, article.site, article.language) == METADATA[name]
    assert article.url == URL and article.content_type == "text/html"


def test_lead_image_is_absolute() -> None:
    article = extract_html((PAGES_DIR / "courier-ferry-returns.html").read_text(encoding="utf-8"), url=URL)
    assert article.image == "https://www.northgatecourier.example/img/2024/11/ferry-lead.jpg"


def test_demo_article_facts_survive_extraction() -> None:
    article = extract_html(
        DEMO_PAGE.read_text(encoding="utf-8"), url="http://127.0.0.1:8080/harbor-solar.html"
    )
    assert article.site == "The Riverside Ledger" and article.author == "Clara Benedetti"
    for fact in (
        "$2.8 million",
        "1,240 solar panels",
        "4 to 1",
        "June 2",
        "Hannah Liebermann",
        "Arthur Nakamura",
        "24 electric-vehicle charging ports",
        "$140,000",
    ):
        assert fact in article.text, fact
    for boilerplate in ("cookies", "Walt Hemsley", "Related stories", "rendering of the canopy"):
        assert boilerplate not in article.text, boilerplate


def test_site_falls_back_to_the_host() -> None:
    paragraphs = "".join(f"<p>{_sentence(i)}</p>" for i in range(8))
    article = extract_html(
        f"<html><body><article>{paragraphs}</article></body></html>", url="https://www.smallpaper.example/a"
    )
    assert article.site == "www.smallpaper.example"


# -- teasers, empty and odd pages ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["paywall-jsonld-teaser", "paywall-hidden-body"])
def test_paywall_teasers(name: str) -> None:
    with pytest.raises(TeaserOnly) as err:
        extract_html((PAGES_DIR / f"{name}.html").read_text(encoding="utf-8"), url=URL)
    assert err.value.message == "I could only read a teaser of this article (paywall?)."


def test_short_free_article_with_an_empty_paywall_container_is_not_a_teaser() -> None:
    article = extract_html((PAGES_DIR / "short-brief-free.html").read_text(encoding="utf-8"), url=URL)
    assert "boiler" in article.text and article.words < 120


def test_full_text_with_a_paywall_flag_is_kept() -> None:
    # Some sites serve the whole text to everyone while flagging it; a full text is not a teaser.
    body = "".join(f"<p>{_sentence(i)}</p>" for i in range(30))
    page = (
        '<html><head><script type="application/ld+json">{"@type":"NewsArticle","isAccessibleForFree":false}'
        f"</script></head><body><article>{body}</article></body></html>"
    )
    assert extract_html(page, url=URL).words > 300


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   \n  ",
        "<html></html>",
        "<html><head><title>Nothing</title></head><body></body></html>",
        "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav><footer>(c) 2025</footer></body>",
        "<html><body><div><p>Page not found.</p></div></body></html>",
        "<<<>>> </p></div><p <p <html <<",
        "\x00\x01\x02\x89PNG\r\n\x1a\n binary garbage \xff\xfe",
        "<html><body><script>var article = 'lots of words ' + 'in a script that nobody reads';</script></body></html>",
    ],
)
def test_pages_without_article_text(html: str) -> None:
    with pytest.raises(NotAnArticle) as err:
        extract_html(html, url=URL)
    assert err.value.message == MSG_NO_TEXT


def test_unclosed_tags_still_extract() -> None:
    body = "".join(f"<p>{_sentence(i)}" for i in range(10))  # no closing tags at all
    article = extract_html(f"<html><body><div class='story'>{body}", url=URL)
    assert _sentence(3) in article.text


def test_json_ld_body_is_used_when_the_page_is_an_empty_shell() -> None:
    body = " ".join(_sentence(i) for i in range(12)).replace('"', "'")
    page = (
        '<html><head><script type="application/ld+json">{"@type":"NewsArticle","headline":"Shell",'
        f'"articleBody":"{body}"}}</script></head><body><div id="root"></div></body></html>'
    )
    assert _sentence(5) in extract_html(page, url=URL).text


def test_instructions_and_mentions_in_an_article_are_kept_as_text() -> None:
    article = extract_html((PAGES_DIR / "injection-instructions.html").read_text(encoding="utf-8"), url=URL)
    assert "Ignore all previous instructions" in article.text
    assert "@everyone" in article.text
    assert "Rookie" in article.text


# -- language ------------------------------------------------------------------------------------------

SAMPLES = {
    "en": "The council said that the new bridge would be open to traffic by the end of the year, and that it "
    "was paid for by the state.",
    "es": "El ayuntamiento dijo que el nuevo puente estará abierto al tráfico a finales de año y que lo ha "
    "pagado la comunidad con fondos propios para los vecinos.",
    "fr": "Le conseil a dit que le nouveau pont sera ouvert à la circulation avant la fin de l'année et qu'il "
    "a été payé par la région pour les habitants.",
    "de": "Der Rat sagte, dass die neue Brücke bis zum Ende des Jahres für den Verkehr geöffnet wird und dass "
    "sie von dem Land bezahlt wurde, für die Bürger.",
    "pt": "A câmara disse que a nova ponte vai abrir ao trânsito até ao fim do ano e que foi paga pelo governo "
    "com os fundos para os moradores da cidade.",
    "it": "Il consiglio ha detto che il nuovo ponte sarà aperto al traffico entro la fine dell'anno e che è "
    "stato pagato dalla regione per gli abitanti della città.",
}


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_guess_language(lang: str) -> None:
    assert guess_language(SAMPLES[lang])[0] == lang


def test_language_declared_vs_text() -> None:
    assert guess_language("1 2 3")[0] is None
    assert choose_language("en-US", SAMPLES["en"]) == "en"
    assert choose_language("pt_BR", "") == "pt"
    assert choose_language("en", SAMPLES["es"] * 3) == "es"  # template default, Spanish text
    assert choose_language("ja", SAMPLES["en"]) == "ja"  # a language we cannot check: trusted
    assert choose_language(None, SAMPLES["de"]) == "de"


# -- plain text and PDF --------------------------------------------------------------------------------


def test_plain_text() -> None:
    text = "Ferry timetable changes\r\n\r\n" + "\n\n".join(_sentence(i) for i in range(6)) + "\n"
    article = extract_text(text, url="https://a.example/notes.txt")
    assert article.title == "Ferry timetable changes"
    assert article.text.split("\n\n")[0] == _sentence(0)
    assert article.content_type == "text/plain" and article.language == "en"


def test_plain_text_one_paragraph_per_line() -> None:
    article = extract_text("\n".join(_sentence(i) for i in range(6)), url="https://a.example/t.txt")
    assert len(article.text.split("\n\n")) == 6


def test_plain_text_too_short() -> None:
    with pytest.raises(NotAnArticle):
        extract_text("just a few words", url="https://a.example/t.txt")


def _pdf_lines(paragraphs: list[str]) -> list[str]:
    lines: list[str] = []
    for para in paragraphs:
        lines += [*textwrap.wrap(para, 88), ""]
    return lines


def test_pdf_with_metadata() -> None:
    paragraphs = [_sentence(i) + " " + _sentence(i + 1) for i in range(0, 12, 2)]
    data = make_pdf(
        ["Harbour breakwater report", "", *_pdf_lines(paragraphs)],
        title="Harbour breakwater report",
        author="Port Calder Harbour Board",
    )
    article = extract_pdf(data, url="https://a.example/report.pdf")
    assert article.title == "Harbour breakwater report"
    assert article.author == "Port Calder Harbour Board"
    assert _sentence(4) in article.text and not article.text.startswith("Harbour breakwater report")
    assert article.content_type == "application/pdf" and article.language == "en"


def test_pdf_title_from_first_line_across_pages() -> None:
    paragraphs = [_sentence(i) for i in range(60)]
    data = make_pdf(["Annual moorings survey", "", *_pdf_lines(paragraphs)])
    article = extract_pdf(data, url="https://a.example/survey.pdf")
    assert article.title == "Annual moorings survey"
    assert _sentence(59) in article.text  # the last page too


def test_pdf_without_text() -> None:
    with pytest.raises(NotAnArticle) as err:
        extract_pdf(make_pdf([]), url="https://a.example/scan.pdf")
    assert err.value.message == PDF_NO_TEXT


@pytest.mark.parametrize("data", [b"%PDF-1.4\n garbage", b"not a pdf at all", b""])
def test_broken_pdf(data: bytes) -> None:
    with pytest.raises(NotAnArticle) as err:
        extract_pdf(data, url="https://a.example/broken.pdf")
    assert err.value.message == MSG_UNREADABLE


def _sentence(i: int) -> str:
    subjects = [
        "The harbour board",
        "A local farmer",
        "The school principal",
        "Two volunteers",
        "The county engineer",
        "A retired teacher",
        "The bakery owner",
        "Three fishermen",
    ]
    objects = [
        "the new breakwater plan",
        "the winter ferry timetable",
        "the library opening hours",
        "the price of heating oil",
        "the repairs to the old pier",
        "the spring fair",
    ]
    return (
        f"{subjects[i % len(subjects)]} spoke on day {i + 1} about {objects[i % len(objects)]}, "
        f"which had been discussed for {i + 2} weeks at the town hall."
    )
