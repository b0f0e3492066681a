"""Articles and request helpers shared by the LLM provider tests."""

from __future__ import annotations

from bot.articles.model import Article
from tests.fakes.fake_openai import (
    CHAT,
    FakeOpenAI,
)

MODEL = "fake-gpt"

LIGHTHOUSE = Article(
    url="https://news.example/lighthouse",
    title="Glass lighthouse opens at Pellow Point",
    site="Coastal Courier",
    language="en",
    text=(
        "The glass lighthouse at Pellow Point opened to visitors on Saturday after six years of work. "
        "Its lamp can be seen from forty kilometres out at sea. The opening drew a crowd of several hundred "
        "people, many of whom had queued since dawn on the wet shingle below the cliff. A brass band from "
        "the next village played while the first group climbed the spiral stair.\n\n"
        "Engineer Marta Quill designed the tower from recycled ferry windows. "
        "She said the hardest part was sealing the seams against salt spray. Her team tested eleven kinds "
        "of sealant in a tank of sea water before choosing one made from pine resin. The windows came from "
        "two retired ferries that once crossed the bay every hour.\n\n"
        "Tickets cost four euros, and children under twelve climb for free. "
        "The keeper's cottage now houses a small museum about shipwrecks on the reef. Among the exhibits is "
        "a ship's bell recovered by divers in the winter of 1987, and a logbook kept by the last keeper "
        "before the old stone tower was closed.\n\n"
        "The harbour council expects thirty thousand visitors in the first summer. "
        "Local cafés have extended their opening hours to cope with the crowds. Bus services from the town "
        "centre will run every twenty minutes on weekends until the end of September."
    ),
)


def article_with(text: str, **kw: str) -> Article:
    return Article(url="https://news.example/a", text=text, title=kw.get("title", "A story"), language="en")


def long_article(paragraphs: int) -> Article:
    paras = [
        f"In week {i} the river survey team measured the water at station {i}. The readings at station {i} "
        f"showed the silt level rising slowly near the old mill. Volunteers logged {i * 3} samples and sent "
        f"them to the county laboratory, which reported back within days. The team leader, Ines Roth, wrote "
        f"that the results from station {i} matched the forecasts made in spring."
        for i in range(1, paragraphs + 1)
    ]
    return article_with("\n\n".join(paras), title="River survey")


def request_summary(fake: FakeOpenAI, index: int = -1) -> dict:  # type: ignore[type-arg]
    return fake.calls(CHAT)[index].json  # type: ignore[no-any-return]
