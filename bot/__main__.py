"""precis: the command line (run the bot, try it locally, and use its features without Discord)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.app.config import Settings, SettingsError, load_settings
from bot.app.errors import UserFacingError
from bot.app.runner import client_id_from_token, invite_url, run_bot, sync_commands
from bot.cli import add_verbs
from bot.playground.demo import run_demo
from bot.store.copy import copy_store
from bot.store.db import Database, StoreError, is_postgres_url
from bot.util.shards import Shards

log = logging.getLogger("precis")


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
                        stream=sys.stderr)
    logging.getLogger("discord").setLevel(max(logging.INFO, logging.getLevelName(level)))


# -- verbs ---------------------------------------------------------------------------------------

async def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    await run_bot(settings, shards=shards_from(args))
    return 0


def shards_from(args: argparse.Namespace) -> Shards | None:
    if args.shard_count is None:
        if args.shard_ids is not None:
            raise SettingsError("--shard-ids needs --shard-count (the application's total number of shards)")
        return None
    try:
        return Shards.parse(args.shard_count, args.shard_ids)
    except ValueError as exc:
        raise SettingsError(str(exc)) from None


async def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    return await run_demo(verbose=args.verbose)  # needs no token or key; ignores .env on purpose


async def cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    names = await sync_commands(settings, args.guild)
    where = f"guild {args.guild}" if args.guild else "all guilds (global; may take up to an hour to appear)"
    print(f"synced {len(names)} commands to {where}: {', '.join(sorted(names))}")
    return 0


async def cmd_invite(args: argparse.Namespace, settings: Settings) -> int:
    client_id = args.client_id
    if client_id is None and settings.discord_token is not None:
        client_id = client_id_from_token(settings.discord_token.get_secret_value())
    if client_id is None:
        raise SettingsError("give --client-id (the Application ID) or set DISCORD_TOKEN")
    print(invite_url(client_id))
    return 0


async def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    if args.db_verb == "copy":
        return await _copy(settings.database_path, args.to)
    db = Database(settings.database)
    await db.open(migrate=False)
    try:
        if args.db_verb == "migrate":
            before, after = await db.migrate()
            print(f"schema version {before} -> {after}" if after != before else f"schema is up to date ({after})")
        elif args.db_verb == "backup":
            await db.migrate()
            print(await db.backup(args.path))
    finally:
        await db.close()
    return 0


async def _copy(source_path: Path, url: str) -> int:
    if not is_postgres_url(url):
        raise SettingsError("db copy --to needs a postgresql:// URL")
    if not await asyncio.to_thread(source_path.exists):
        raise SettingsError(f"no SQLite database at {source_path} (DATABASE_PATH)")
    async with Database(source_path) as source, Database(url) as target:
        counts = await copy_store(source, target, progress=lambda table, n: log.info("copied %d rows of %s", n,
                                                                                     table))
        for count in counts:
            print(f"{count.table:<24} {count.source:>10,} -> {count.target:>10,}")
        print(f"copied {sum(c.target for c in counts):,} rows of {len(counts)} tables from {source_path} "
              f"to {target.describe()}; every count matches")
    return 0


# -- parser --------------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="precis", description=__doc__)
    parser.add_argument("--log-level", help="override LOG_LEVEL for this command")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)

    run = verbs.add_parser("run", help="run the bot on Discord (needs DISCORD_TOKEN)")
    run.add_argument("--shard-count", type=int, metavar="N", help="the application's total number of gateway shards")
    run.add_argument("--shard-ids", metavar="IDS", help="the shards this process runs, e.g. 0,1 (default: all N)")
    run.set_defaults(handler=cmd_run)
    demo = verbs.add_parser("demo", help="play a scripted conversation against a local Discord stand-in")
    demo.add_argument("--verbose", action="store_true", help="also show the bot's log")
    demo.set_defaults(handler=cmd_demo)
    sync = verbs.add_parser("sync", help="sync slash commands with Discord (once after install or upgrade)")
    sync.add_argument("--guild", type=int, help="sync to one guild only (instant; handy for testing)")
    sync.set_defaults(handler=cmd_sync)
    invite = verbs.add_parser("invite", help="print the invite link with the minimal permissions")
    invite.add_argument("--client-id", type=int, help="the Application ID (default: read from DISCORD_TOKEN)")
    invite.set_defaults(handler=cmd_invite)

    db = verbs.add_parser("db", help="database maintenance")
    db_verbs = db.add_subparsers(dest="db_verb", metavar="DB_VERB", required=True)
    db_verbs.add_parser("migrate", help="apply pending schema migrations")
    backup = db_verbs.add_parser("backup", help="online backup, safe while the bot runs (PostgreSQL: pg_dump)")
    backup.add_argument("path", help="file to write the backup to")
    copy = db_verbs.add_parser("copy", help="copy the SQLite database (DATABASE_PATH) into an empty PostgreSQL one")
    copy.add_argument("--to", required=True, metavar="URL", help="postgresql://user:password@host:port/dbname")
    db.set_defaults(handler=cmd_db)

    add_verbs(verbs)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(**({"log_level": args.log_level} if args.log_level else {}))
    except SettingsError as exc:
        print(f"precis: {exc}", file=sys.stderr)
        return 2
    # The bot logs at LOG_LEVEL; one-shot verbs keep quiet unless asked, so their output stays readable.
    level = settings.log_level if args.verb == "run" or args.log_level else max(
        logging.WARNING, logging.getLevelName(settings.log_level))
    configure_logging(logging.getLevelName(level) if isinstance(level, int) else level)
    try:
        return asyncio.run(args.handler(args, settings))
    except SettingsError as exc:
        print(f"precis: {exc}", file=sys.stderr)
        return 2
    except UserFacingError as exc:
        print(f"precis: {exc.message}", file=sys.stderr)
        return 1
    except StoreError as exc:
        print(f"precis: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
