"""The CLI verbs that use the bot's features without Discord: extract, summarize, ask, export, report,
catchup, usage."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any, TextIO

from bot.app.config import Settings
from bot.app.errors import UserFacingError
from bot.app.services import Services, fetch_policy, open_services
from bot.articles.fetch import Fetcher
from bot.articles.model import Article
from bot.articles.reader import read_article, read_bytes, read_file
from bot.catchup.render import render_json as catchup_json
from bot.catchup.render import render_markdown as catchup_markdown
from bot.catchup.service import log_gap
from bot.catchup.window import Since, parse_since
from bot.questions.service import AnswerService
from bot.store.location import Location
from bot.util.text import plural
from bot.util.timeutil import period_start
from bot.util.workers import Workers


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


async def load_source(source: str, services: Services | None, fetcher: Fetcher | None = None,
                      workers: Workers | None = None) -> Article:
    """A URL (through the cache when services are given), a file (HTML, text, PDF), or '-' for stdin."""
    if source == "-":
        return read_bytes(sys.stdin.buffer.read(), name="-")
    if is_url(source):
        if services is not None:
            return await services.summaries.article(source)
        assert fetcher is not None and workers is not None
        return await read_article(source, fetcher=fetcher, workers=workers)
    return await asyncio.to_thread(_read_local, Path(source))


def _read_local(path: Path) -> Article:
    if not path.is_file():
        raise UserFacingError(f"{path} is neither a http(s) URL nor a readable file.")
    return read_file(path)


def snowflake(text: str) -> int:
    """An argparse type for Discord ids: whole numbers that fit the 63 bits Discord (and SQLite) use."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a Discord id (a number)") from None
    if not 0 < value < 2 ** 63:
        raise argparse.ArgumentTypeError(f"{text} is not a Discord id (those are positive and below 2**63)")
    return value


def output_file(option: str, path: str) -> Path:
    """Where `option` asks us to write: refused in one line when it is a folder or its folder is missing
    (nothing is created on the way)."""
    target = Path(path)
    if target.is_dir():
        raise UserFacingError(f"{option}: {path} is a folder; give a file name")
    if not target.parent.is_dir():
        raise UserFacingError(f"{option}: there is no folder {target.parent}")
    return target


def write_file(option: str, path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise UserFacingError(f"{option}: cannot write {path}: {exc.strerror or exc}") from None


def open_output(path: Path | None) -> AbstractContextManager[TextIO]:
    """The export target: a file, or standard output (left open when we are done)."""
    if path is None:
        return nullcontext(sys.stdout)
    try:
        return open(path, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise UserFacingError(f"--out: cannot write {path}: {exc.strerror or exc}") from None


def since_ms(text: str) -> int:
    try:
        return period_start(text)
    except ValueError as exc:
        raise UserFacingError(f"--since: {exc}") from None


async def cmd_extract(args: argparse.Namespace, settings: Settings) -> int:
    failed = 0
    workers = Workers(settings.worker_processes)
    async with Fetcher(fetch_policy(settings)) as fetcher:
        try:
            for source in args.sources:
                try:
                    article = await load_source(source, None, fetcher, workers)
                except UserFacingError as exc:
                    print(f"precis: {source}: {exc.message}", file=sys.stderr)
                    failed += 1
                    continue
                if args.json:
                    print(json.dumps({"source": source, "url": article.url, "title": article.title,
                                      "author": article.author, "date": article.date, "site": article.site,
                                      "language": article.language, "text": article.text,
                                      "words": article.words}, ensure_ascii=False))
                else:
                    print(f"# {article.title or article.url}\n{article.url}\n\n{article.text}\n")
        finally:
            await workers.close()
    return 1 if failed else 0


async def cmd_summarize(args: argparse.Namespace, settings: Settings) -> int:
    async with open_services(settings) as services:
        article = await load_source(args.source, services)
        result = await services.summaries.summarize_article(article, style=args.style, language=args.language,
                                                            use_cache=is_url(args.source))
    s = result.summary
    if args.json:
        print(json.dumps({"title": s.title, "tldr": s.tldr, "key_points": s.key_points, "source": article.url,
                          "words": article.words, "provider": s.provider, "model": s.model}, ensure_ascii=False))
    else:
        print(f"{s.title}\n{' · '.join(filter(None, (article.site, article.url)))}\n\nTL;DR {s.tldr}\n")
        print("\n".join(f"- {p}" for p in s.key_points))
        if s.note:
            print(f"\n({s.note})")
    return 0


async def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    async with open_services(settings) as services:
        article = await load_source(args.source, services)
        answers: AnswerService = services.answers
        result = await answers.answer(article, args.question)
    a = result.answer
    if args.json:
        print(json.dumps({"answer": a.text, "quotes": [q.text for q in a.quotes], "answerable": a.answerable,
                          "confidence": round(a.confidence, 3), "provider": a.provider}, ensure_ascii=False))
    else:
        print(a.text)
        for quote in a.quotes:
            print(f'  > "{" ".join(quote.text.split())}"')
        if a.note:
            print(f"({a.note})")
    return 0


async def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    since = since_ms(args.since) if args.since else None
    target = output_file("--out", args.out) if args.out else None
    async with open_services(settings) as services:
        with await asyncio.to_thread(open_output, target) as out:
            count = await services.log.export(args.guild, out, channel_id=args.channel, since=since,
                                              fmt=args.format)
    print(f"exported {plural(count, 'message')}", file=sys.stderr)
    return 0


async def cmd_usage(args: argparse.Namespace, settings: Settings) -> int:
    async with open_services(settings) as services:
        summary = await services.budget.summary(args.guild, since_ms(args.since))
    out: TextIO = sys.stdout
    out.write(f"guild {args.guild}, last {args.since}: {summary.total.tokens} tokens in {summary.total.calls} calls; "
              f"today {summary.spent_today} of {summary.budget}\n")
    for title, rows in (("feature", summary.by_feature), ("member", summary.by_member), ("day", summary.by_day)):
        out.write(f"\nby {title}:\n")
        for row in rows:
            out.write(f"  {row.key:<24} {row.tokens:>10} tokens {row.calls:>6} calls\n")
    return 0


async def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    since_ms(args.since)   # a bad period or chart path is one line before anything opens
    chart = output_file("--chart", args.chart) if args.chart else None
    async with open_services(settings) as services:
        report = await services.reports.build(args.guild, since=args.since)
        rendered = await services.reports.render(report, chart=chart is not None)   # headed by the guild's name
    if chart is not None and rendered.png is not None:
        await asyncio.to_thread(write_file, "--chart", chart, rendered.png)
    if args.format == "json":
        print(json.dumps(services.reports.as_json(report), ensure_ascii=False, indent=2))
    else:
        print(rendered.markdown)
    return 0


async def cmd_catchup(args: argparse.Namespace, settings: Settings) -> int:
    try:
        since: Since = parse_since(args.since)
    except ValueError as exc:
        raise UserFacingError(f"--since: {exc}") from None
    async with open_services(settings) as services:
        catchup = services.catchup
        parent = await catchup.thread_parent(args.channel)    # --channel may name a thread or forum post
        where = Location(parent, args.channel) if parent is not None else Location(args.channel)
        gap = log_gap(await services.guild_settings.get(args.guild), where)
        if gap is not None:
            raise UserFacingError(gap)
        window = await catchup.window(args.guild, where, since, member_id=None)
        # Whoever runs the command line reads the database itself: every thread of the channel is theirs.
        result = await catchup.catch_up(window, threads=await catchup.threads_in(window), member_id=None,
                                        settings=await services.guild_settings.get(args.guild))
    if args.json:
        print(json.dumps(catchup_json(result), ensure_ascii=False, indent=2))
    else:
        print(catchup_markdown(result, f"channel {args.channel}"), end="")
    return 0


def add_verbs(verbs: argparse._SubParsersAction[Any]) -> None:
    extract = verbs.add_parser("extract", help="print the article text extracted from URLs or files")
    extract.add_argument("sources", nargs="+", metavar="SOURCE", help="URL, file (HTML, text, PDF) or -")
    extract.add_argument("--json", action="store_true", help="one JSON object per source and line")
    extract.set_defaults(handler=cmd_extract)

    summarize = verbs.add_parser("summarize", help="summarise an article (URL, file or -)")
    summarize.add_argument("source", metavar="SOURCE")
    summarize.add_argument("--style", choices=["brief", "detailed", "bullets"], default="brief")
    summarize.add_argument("--language", help="language code, e.g. en, es")
    summarize.add_argument("--json", action="store_true")
    summarize.set_defaults(handler=cmd_summarize)

    ask = verbs.add_parser("ask", help="answer a question about an article")
    ask.add_argument("source", metavar="SOURCE")
    ask.add_argument("question", metavar="QUESTION")
    ask.add_argument("--json", action="store_true")
    ask.set_defaults(handler=cmd_ask)

    export = verbs.add_parser("export", help="export a guild's conversation log")
    export.add_argument("--guild", type=snowflake, required=True)
    export.add_argument("--channel", type=snowflake)
    export.add_argument("--since", help="e.g. 7d, 24h")
    export.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    export.add_argument("--out", help="file to write (default: standard output)")
    export.set_defaults(handler=cmd_export)

    report = verbs.add_parser("report", help="moderator report for a guild")
    report.add_argument("--guild", type=snowflake, required=True)
    report.add_argument("--since", default="7d", help="e.g. 24h, 7d, 30d")
    report.add_argument("--format", choices=["md", "json"], default="md")
    report.add_argument("--chart", metavar="FILE.png", help="also write the activity chart")
    report.set_defaults(handler=cmd_report)

    catchup = verbs.add_parser("catchup", help="what was said in a channel, thread or forum post lately")
    catchup.add_argument("--guild", type=snowflake, required=True)
    catchup.add_argument("--channel", type=snowflake, required=True, help="a channel, forum, thread or forum post id")
    catchup.add_argument("--since", default="24h", help="e.g. 6h, 2d, or a message link (default 24h)")
    catchup.add_argument("--json", action="store_true")
    catchup.set_defaults(handler=cmd_catchup)

    usage = verbs.add_parser("usage", help="LLM token usage for a guild")
    usage.add_argument("--guild", type=snowflake, required=True)
    usage.add_argument("--since", default="30d")
    usage.set_defaults(handler=cmd_usage)
