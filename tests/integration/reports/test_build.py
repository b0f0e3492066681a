"""Moderator reports over a small, hand-counted log written through the real log writer: every figure,
the channel and member filters, privacy (opted-out, later opted-out, forgotten and deleted texts never
reach the digest, the markdown or the JSON), the markdown sections and the PNG chart."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest
from PIL import Image

from bot.logbook.rows import Delete, Edit
from bot.logbook.writer import LogWriter
from bot.moderation.flagger import Flagger
from bot.moderation.member_reports import report_message, resolve_report
from bot.reports.build import build_report
from bot.reports.chart import render_chart_png
from bot.reports.digest import extractive_digest
from bot.reports.model import ChannelCount, Report
from bot.reports.render import SECTIONS, render_json, render_markdown
from bot.settings.guild import GuildSettingsService
from bot.store import articles, logbook, names
from bot.store import questions as qstore
from bot.store.articles import SummaryPost
from bot.store.db import Database
from bot.store.location import Location
from bot.store.questions import QuestionRecord
from bot.util.timeutil import to_ms
from tests.helpers.rows import row

G = 1
T0 = to_ms(datetime(2026, 9, 21, tzinfo=UTC))
DAY = 86_400_000
SECRETS = ("PRIVATEWORD", "OPTEDOUTWORD", "FORGOTTENWORD", "night crossing", "private-site", "optout.example")


def at(hour: int, minute: int = 0) -> int:
    return T0 + hour * 3_600_000 + minute * 60_000


# (index, channel, author, time, text); 103 opts out after posting, 104 was opted out, 106 is forgotten.
MESSAGES = [
    (0, 10, 100, T0 - 7_200_000, "An older harbour notice from yesterday"),
    (1, 10, 100, at(1, 5), "The ferry timetable changes on Monday morning"),
    (2, 10, 101, at(1, 10), "Ferry timetable changes again, the harbour office confirmed"),
    (3, 10, 102, at(1, 20), "Does the ferry timetable include the night crossing"),      # deleted later
    (4, 10, 103, at(2, 0), "PRIVATEWORD harbour ferry timetable gossip"),
    (5, 10, 104, at(2, 5), "OPTEDOUTWORD ferry"),
    (6, 11, 101, at(5, 0), "Council budget vote is tonight at the library"),
    (7, 11, 105, at(5, 30), "The council budget includes the library roof repair"),
    (8, 11, 106, at(5, 45), "FORGOTTENWORD council budget rumour"),
    (9, 12, 100, at(14, 0), "Storm warning for the coast this evening"),
    (10, 12, 107, at(14, 10), "scam alert: free tickets for the storm watchers"),
    (11, 12, 107, at(23, 59), "Anyone seen the storm photos from the pier"),
    (12, 10, 108, T0 + DAY, "This one belongs to the next day"),
    (13, 10, 108, T0 + DAY + 3_600_000, "So does this one"),
]


def mid(i: int) -> int:
    return row(i, at=MESSAGES[i][3]).id


@pytest.fixture
async def logged(db: Database) -> Database:
    writer = LogWriter(db, max_batch=50, max_delay=0.01)
    writer.start()
    for i, channel, author, when, text in MESSAGES:
        await writer.put(row(i, channel=channel, author=author, at=when, content=text,
                             opted_out=author == 104))
    await writer.put(Edit(mid(1), G, "The ferry timetable changes on Monday morning (corrected)", at(1, 30)))
    await writer.put(Edit(mid(9), G, "Storm warning for the coast tonight", T0 + DAY + 5))   # after the day
    await writer.put(Delete([mid(3)], G, at(3)))
    await writer.put(Delete([mid(0)], G, at(4)))         # an older message deleted during the period
    await writer.stop()

    settings = GuildSettingsService(db)
    await settings.update(G, None, mod_rules=["scam"])
    await Flagger(db, settings.get, clock_ms=lambda: T0 + 2 * DAY, first_run_lookback_ms=3 * DAY).run_once()
    await logbook.set_opt_out(db, G, 103, True, at(20))
    await logbook.forget_member(db, G, 106)

    for i, url in ((2, "https://www.harbour-news.example/ferry"), (4, "https://private-site.example/x"),
                   (5, "https://optout.example/y")):
        _, channel, author, when, _ = MESSAGES[i]
        await articles.add_shared_links(db, mid(i), [url], guild_id=G, location=Location(channel), user_id=author,
                                        created_at=when)
    await articles.add_post(db, SummaryPost(900, G, 10, None, mid(2), "https://www.harbour-news.example/ferry",
                                            at(1, 11)), requested_by=101, provider="extractive")
    for user, channel, answerable, when in ((101, 10, True, at(2)), (102, 11, True, at(6)),
                                            (100, 10, False, at(7)), (100, 10, True, T0 - 1)):
        await qstore.add(db, QuestionRecord(G, channel, None, user, "https://www.harbour-news.example/ferry",
                                            "When?", "Monday." if answerable else "The article doesn't say.",
                                            answerable, 0.9, "extractive", None, 0, 0, 5, when))
    for message, reporter in ((7, 200), (6, 201)):
        _, channel, author, when, text = MESSAGES[message]
        await report_message(db, guild_id=G, location=Location(channel), message_id=mid(message), author_id=author,
                             content_snapshot=text, reporter_id=reporter, reason="rude", now=when + 60_000)
    (opened,) = await db.fetchall("SELECT id FROM member_reports WHERE message_id = ?", (mid(6),))
    await resolve_report(db, G, opened["id"], resolved_by=1, now=at(9))
    # Names as the bot saw them; channel 12 was never seen, so reports fall back to its id.
    await names.save(db, G, [(G, "guild", "Harbour Town"), (10, "channel", "ferries"), (11, "channel", "council")],
                     T0)
    return db


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[int, list[str]]] = []

    async def __call__(self, channel_id: int, texts: list[str]) -> str:
        self.calls.append((channel_id, texts))
        return f"{len(texts)} readable messages"


async def test_guild_report_matches_the_hand_count(logged: Database) -> None:
    digest = Recorder()
    r = await build_report(logged, G, since_ms=T0, until_ms=T0 + DAY, digest=digest)

    assert (r.messages, r.active_members, r.new_participants) == (11, 8, 7)
    assert r.busiest_channels == [ChannelCount(10, 5), ChannelCount(11, 3), ChannelCount(12, 3)]
    expected_hours = [0] * 24
    for hour, n in ((1, 3), (2, 2), (5, 3), (14, 2), (23, 1)):
        expected_hours[hour] = n
    assert r.hours == expected_hours
    assert r.series_unit == "hour" and [p.start_ms for p in r.series] == [at(h) for h in range(24)]
    assert [p.messages for p in r.series] == expected_hours
    assert (r.edits, r.deletes) == (1, 2)
    assert (r.links_shared, r.top_domains) == (3, [("harbour-news.example", 1)])
    assert r.summaries == 1
    assert (r.questions, r.answered, r.unanswered) == (3, 2, 1)
    assert [(c.category, c.count, [f.message_id for f in c.examples]) for c in r.flags] == [
        ("rule", 1, [mid(10)])]
    assert r.flags[0].examples[0].jump_url == f"https://discord.com/channels/{G}/12/{mid(10)}"
    assert [(o.message_id, o.reporters) for o in r.open_reports] == [(mid(7), 1)]
    assert r.open_reports[0].jump_url == f"https://discord.com/channels/{G}/11/{mid(7)}"

    # Only kept, undeleted texts of members who have not opted out reach the digest (as they read now).
    assert digest.calls == [
        (10, ["The ferry timetable changes on Monday morning (corrected)",
              "Ferry timetable changes again, the harbour office confirmed"]),
        (11, ["Council budget vote is tonight at the library",
              "The council budget includes the library roof repair"]),
        (12, ["Storm warning for the coast tonight", "scam alert: free tickets for the storm watchers",
              "Anyone seen the storm photos from the pier"]),
    ]
    assert [d.text for d in r.digests] == ["2 readable messages", "2 readable messages",
                                           "3 readable messages"]


async def test_default_digest_and_renderings_never_show_private_texts(logged: Database) -> None:
    r = await build_report(logged, G, since_ms=T0, until_ms=T0 + DAY)
    markdown = render_markdown(r, "Harbour *Town*")
    as_json = json.dumps(render_json(r))
    for secret in SECRETS:
        assert secret not in markdown and secret not in as_json
        assert all(secret not in d.text for d in r.digests)
    assert "ferry" in r.digests[0].text.lower() and "council" in r.digests[1].text.lower()
    assert markdown.startswith("# Report for Harbour \\*Town\\*\n")
    assert render_markdown(r).startswith("# Report for Harbour Town\n")     # the name the bot saw


async def test_channel_filter(logged: Database) -> None:
    digest = Recorder()
    r = await build_report(logged, G, since_ms=T0, until_ms=T0 + DAY, channel_id=10, digest=digest)
    assert (r.messages, r.active_members, r.new_participants) == (5, 5, 4)
    assert r.busiest_channels == [ChannelCount(10, 5)]
    assert (r.edits, r.deletes, r.links_shared, r.summaries) == (1, 2, 3, 1)
    assert (r.questions, r.answered) == (2, 1)
    assert r.flags == [] and r.open_reports == []
    assert [c for c, _ in digest.calls] == [10]


async def test_member_filter(logged: Database) -> None:
    digest = Recorder()
    r = await build_report(logged, G, since_ms=T0, until_ms=T0 + DAY, member_id=101, digest=digest)
    assert (r.messages, r.active_members, r.new_participants) == (2, 1, 1)
    assert r.busiest_channels == [ChannelCount(10, 1), ChannelCount(11, 1)]
    assert (r.edits, r.deletes, r.links_shared, r.summaries, r.questions, r.answered) == (0, 0, 1, 1, 1, 1)
    assert digest.calls == [(10, ["Ferry timetable changes again, the harbour office confirmed"]),
                            (11, ["Council budget vote is tonight at the library"])]

    veteran = await build_report(logged, G, since_ms=T0, until_ms=T0 + DAY, member_id=100, digest=digest)
    assert (veteran.messages, veteran.new_participants, veteran.edits, veteran.deletes) == (2, 0, 1, 1)
    opted = await build_report(logged, G, since_ms=T0, until_ms=T0 + DAY, member_id=107, channel_id=12)
    assert (opted.messages, [c.category for c in opted.flags]) == (2, ["rule"])


async def test_long_periods_are_charted_per_day(logged: Database) -> None:
    r = await build_report(logged, G, since_ms=T0 - DAY, until_ms=T0 + 2 * DAY)
    assert r.series_unit == "day"
    assert [(p.start_ms, p.messages) for p in r.series] == [(T0 - DAY, 1), (T0, 11), (T0 + DAY, 2)]


async def test_markdown_has_every_section_even_when_empty(db: Database) -> None:
    empty = render_markdown(await build_report(db, G, since_ms=T0, until_ms=T0 + DAY), "Quiet")
    headings = [line[3:] for line in empty.splitlines() if line.startswith("## ")]
    assert headings == list(SECTIONS)
    for title in SECTIONS[1:]:
        assert f"## {title}\nNone." in empty
    assert "- Messages: 0" in empty


async def test_markdown_of_a_busy_day(logged: Database) -> None:
    md = render_markdown(await build_report(logged, G, since_ms=T0, until_ms=T0 + DAY), "Harbour")
    assert [line[3:] for line in md.splitlines() if line.startswith("## ")] == list(SECTIONS)
    assert "1. #ferries — 5 messages" in md and "3. channel 12 — 3 messages" in md   # names, else the id
    assert "<#" not in md and "<@" not in md          # files do not resolve mentions: names instead
    assert f"[1](https://discord.com/channels/{G}/12/{mid(10)}) user107 (id 107) in channel 12" in md
    open_part = md.split("## Open member reports\n")[1].split("\n## ")[0]
    assert open_part.splitlines() == [
        f"- #1 [message](https://discord.com/channels/{G}/11/{mid(7)}) by user105 (id 105) in #council — "
        "1 reporter, since 2026-09-21 05:31 UTC",
        "  - member 200: “rude”",
        "  - as reported: “The council budget includes the library roof repair”"]
    resolved_part = md.split("## Resolved member reports\n")[1].split("\n## ")[0]
    assert resolved_part.splitlines()[0] == (
        f"- #2 [message](https://discord.com/channels/{G}/11/{mid(6)}) by user101 (id 101) in #council — "
        "1 reporter, since 2026-09-21 05:01 UTC · resolved by member 1 at 2026-09-21 09:00 UTC")
    assert "3 asked: 2 answered, 1 not answered from the article" in md
    assert "harbour-news.example (1)" in md


async def test_json_is_stable_and_uses_string_snowflakes(logged: Database) -> None:
    data = render_json(await build_report(logged, G, since_ms=T0, until_ms=T0 + DAY))
    assert list(data) == ["guild_id", "period", "filters", "activity", "busiest_channels",
                          "busiest_hours_utc", "edits", "deletes", "links", "summaries", "questions", "flags",
                          "open_reports", "series", "digests", "guild_name", "resolved_reports"]   # keys only added
    assert data["guild_id"] == "1" and data["busiest_channels"][0] == {"channel_id": "10", "messages": 5,
                                                                        "channel_name": "#ferries"}
    example = data["flags"]["by_category"][0]["examples"][0]
    assert example["message_id"] == str(mid(10)) and isinstance(example["author_id"], str)
    assert data["open_reports"][0]["message_id"] == str(mid(7))
    opened = data["open_reports"][0]
    assert (opened["status"], opened["resolution"], opened["author_name"], opened["channel_name"]) == (
        "open", None, "user105", "#council")
    assert opened["reasons"] == [{"reporter_id": "200", "reporter_name": None, "reason": "rude",
                                  "created_at": "2026-09-21T05:31:00Z"}]
    assert opened["content"] == "The council budget includes the library roof repair" and not opened["deleted"]
    (closed,) = data["resolved_reports"]
    assert (closed["message_id"], closed["status"], closed["resolution"], closed["resolved_by"],
            closed["resolved_at"]) == (str(mid(6)), "resolved", "resolved", "1", "2026-09-21T09:00:00Z")
    assert data["guild_name"] == "Harbour Town"
    assert data["busiest_channels"][1]["channel_name"] == "#council" and example["author_name"] == "user107"
    assert data["period"]["since"] == "2026-09-21T00:00:00Z"
    json.dumps(data)


async def test_chart_is_a_real_png(logged: Database) -> None:
    for since in (T0, T0 - 10 * DAY):
        png = await render_chart_png(await build_report(logged, G, since_ms=since, until_ms=T0 + DAY))
        image = Image.open(io.BytesIO(png))
        image.load()
        assert image.format == "PNG" and image.size[0] > 400 and image.size[1] > 300
        assert len(png) > 10_000
        assert sum(1 for n in image.convert("L").histogram() if n) > 20     # drawn, not a blank canvas


async def test_empty_report_still_charts(db: Database) -> None:
    png = await render_chart_png(Report(G, T0, T0 + DAY))
    assert Image.open(io.BytesIO(png)).size[0] > 400


def test_extractive_digest_is_deterministic_and_quotes_central_messages() -> None:
    texts = ["The ferry timetable changes on Monday",
             "Ferry timetable: Monday changes confirmed by the harbour",
             "I like turtles", "The harbour office says the ferry timetable changes Monday",
             "lol", "Ferry timetable changes on Monday"]
    digest = extractive_digest(texts)
    assert digest == extractive_digest(list(texts))
    assert digest.startswith("Topics: ")
    assert "ferry" in digest.split(".")[0] and "timetable" in digest.split(".")[0]
    assert "turtles" not in digest and "“lol”" not in digest
    assert digest.count("“") <= 3
    assert extractive_digest([]) == ""
