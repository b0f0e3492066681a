"""Page furniture recognised by what a sentence is (bot/extractive/boilerplate.py)."""

from __future__ import annotations

import pytest

from bot.app.errors import NotAnArticle
from bot.articles.model import Article
from bot.extractive.boilerplate import NOT_AN_ARTICLE, article_only, clean, sentence_reason, strip_dateline

BODY = [
    "The county opened its new flood barrier on the Esk on Friday after three years of building work.",
    "The barrier can hold back a surge two metres higher than the record flood of 1953, engineers said.",
    "It cost 38 million, most of it paid by the national flood fund, and protects about 2,400 homes.",
    "Residents of the lower town had been asking for better defences since the floods of 2019.",
]


@pytest.mark.parametrize(("line", "reason"), [
    ("Click here to get our morning briefing in your inbox.", "call to action"),
    ("Sign up for our newsletter", "call to action"),
    ("Follow us on Instagram for more stories.", "call to action"),
    ("Download the app today.", "call to action"),
    ("To read the whole story, please subscribe to the Kestrel Gazette.", "call to action"),
    ("For breaking news alerts download the Kestrel News apps for your phone.", "call to action"),
    ("'Kestrel News' is a registered trademark of Kestrel Media Limited.", "legal"),
    ("We may earn a commission when you buy through links on our site.", "legal"),
    ("We use cookies to improve your experience on our website.", "legal"),
    ("Prices are accurate at the time of publishing and subject to change.", "legal"),
    ("© 2026 Kestrel Media. All rights reserved.", "legal"),
    ("Photo: Jane Roe/Kestrel News", "credit"),
    ("A boy plays in the fountain on Tuesday. (AP Photo/Jon Feld)", "credit"),
    ("FILE - A view of the old bridge in 2019.", "credit"),
    ("17 comments", "count"),
    ("Advertisement", "count"),
    ("5 min read", "count"),
    ("By Jane Roe and Tom Ash", "byline"),
    ("Updated 3:14 PM, March 3, 2026", "timestamp"),
    ("March 3, 2026", "timestamp"),
    ("The plan was shown by Ana PetrovAna Petrov · Science desk · Follow at the launch.", "hover card"),
])
def test_furniture_by_its_nature(line: str, reason: str) -> None:
    assert sentence_reason(line) == reason


@pytest.mark.parametrize("line", [
    *BODY,
    "Support for the plan grew after the floods, the council said.",
    "By noon the barrier gates had been closed for the first time.",
    "The company was accused of breaking copyright law by a group of authors.",
    '"Click the link and you will see the damage," the mayor told reporters.',
    "Read the full report on the flood barrier on the council's website, officials advised.",
    "Privacy campaigners say the cameras on the barrier record too much.",
    "For the first time, officials said they would follow the engineers' advice.",
    "To reach the barrier, the crews had to clear the road first.",
])
def test_reporting_is_not_furniture(line: str) -> None:
    # The last two are borderline: an imperative about the story's own report is dropped, a privacy story not.
    if line.startswith("Read the full report"):
        assert sentence_reason(line) == "call to action"
    else:
        assert sentence_reason(line) is None, line


def test_datelines_are_stripped_from_the_lead() -> None:
    for lead in ("SAN JOSE, Calif. (AP) — The", "LONDON (Reuters) - The", "KESTREL BAY — The", "(CNN) — The"):
        assert lead[strip_dateline(lead):] == "The", lead
    assert strip_dateline("The mayor — who was re-elected — spoke.") == 0
    text = "\n\n".join(["By Jane Roe", "KESTREL BAY (AP) — " + BODY[0], *BODY[1:]])
    cleaned = clean(text)
    assert cleaned.text.startswith("The county opened") and "(AP)" not in cleaned.text


def test_comments_after_the_body_are_dropped() -> None:
    text = "\n\n".join([*BODY, "3 comments",
                        "I have lived by the river for forty years and I still think this was money wasted.",
                        "Great news for us in the lower town, my basement flooded twice.", "Reply", "Leave a Reply"])
    cleaned = clean(text)
    assert cleaned.text == "\n\n".join(BODY)
    assert {"count", "comments"} <= {r for _, r in cleaned.dropped}


def test_a_readers_voice_after_the_body_without_a_heading() -> None:
    text = "\n\n".join([*BODY, "I honestly think my council tax paid for all of this and nobody asked me."])
    assert clean(text).text == "\n\n".join(BODY)
    # A first-person piece keeps its last paragraph: that voice is the body's own.
    column = [f"I walked along the river on day {n} and I saw the barrier being built by the crews." for n in range(4)]
    assert clean("\n\n".join(column)).text == "\n\n".join(column)


def test_teasers_repeats_and_labels_around_the_body() -> None:
    text = "\n\n".join(["Weather", "Flood barrier opens", *BODY[:2],
                        "Storm warning for the coast as winds reach…", *BODY[2:], BODY[0],
                        "Most read", "Council tax to rise by five per cent next year as..."])
    cleaned = clean(text, title="Flood barrier opens")
    assert cleaned.text == "\n\n".join(BODY)
    assert cleaned.problem is None


def test_kept_text_is_made_of_slices_of_the_input() -> None:
    text = "\n\n".join(["Photo: Ann Lee", *BODY, "Share this story"])
    cleaned = clean(text)
    assert all(text[s.start:s.end] == s.text for s in cleaned.kept)


@pytest.mark.parametrize("text", [
    "Sign up for our newsletter.\n\nThe county opened its barrier.\n\n© 2026 Kestrel Media.",
    "\n\n".join([
        "Bakery wins bread award", "The rye loaf beat forty entries at the county show.",
        "Bridge Street closed", "Gas mains under the old crossing are being replaced this month.",
        "Choir heads to finals", "Pupils raised the coach fare with a sponsored walk in April.",
        "Van stolen from yard", "Tools worth several thousand pounds were taken overnight on Sunday.",
        "Allotment list grows", "More than three hundred households are waiting for a plot.",
    ]),
    "\n\n".join([
        "This policy explains how we use your personal data when you visit our website.",
        "We collect the information you give us when you create an account with us.",
        "We use cookies to remember your preferences and to measure how our pages are used.",
        "You can withdraw your consent at any time by using the unsubscribe link in our emails.",
        "We may share your personal data with our advertising partners.",
    ]),
])
def test_what_is_not_an_article_is_refused(text: str) -> None:
    with pytest.raises(NotAnArticle) as refused:
        article_only(Article(url="u", text=text))
    assert refused.value.message == NOT_AN_ARTICLE


def test_a_short_complete_brief_is_an_article() -> None:
    brief = ("The library on Quarry Lane will be closed all day on Monday while a boiler valve is replaced. "
             "Books due that day can be returned on Tuesday without a fee.")
    assert article_only(Article(url="u", text=brief)).text == brief
