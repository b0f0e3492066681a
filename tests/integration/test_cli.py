"""The command line as users and scripts run it: exact JSON shapes, exit codes, one-line errors."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import sys
from pathlib import Path

from tests.fakes.article_server import ArticleServer
from tests.helpers.paths import ROOT

PAGE = ROOT / "tests" / "fixtures" / "pages" / "ledger-council-budget.html"


async def precis(tmp_path: Path, *args: str, env: dict[str, str] | None = None, stdin: bytes | None = None
                 ) -> tuple[int, str, str]:
    environment = {"PATH": os.environ.get("PATH", ""), "DATABASE_PATH": str(tmp_path / "cli.sqlite3"),
                   "HOME": str(tmp_path), **(env or {})}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=tmp_path, env=environment, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(stdin), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


STDIN_TEXT = """Ferry timetable changes for the winter

The harbour authority will run the morning ferry every forty minutes from the first Monday of December,
instead of every half hour, because two of its five boats need new engines before the spring season.

Commuters who travel before eight o'clock will see no change, the authority said, and the evening
service keeps its summer schedule until the end of January. Tickets bought online stay valid.
"""


def server_env(server: ArticleServer) -> dict[str, str]:
    return {"FETCH_ALLOWED_NETWORKS": '["127.0.0.1/32"]', "FETCH_ALLOWED_PORTS": f"[80, 443, {server.port}]"}


async def test_help_lists_every_verb(tmp_path: Path) -> None:
    code, out, _ = await precis(tmp_path, "--help")
    assert code == 0
    for verb in ("run", "demo", "sync", "invite", "db", "extract", "summarize", "ask", "report", "export", "usage"):
        assert f"    {verb}" in out


async def test_extract_json_from_url_file_and_stdin(tmp_path: Path, article_server: ArticleServer) -> None:
    url = article_server.url("pages/ledger-council-budget.html?utm_source=chat")
    code, out, err = await precis(tmp_path, "extract", url, str(PAGE), "-", "--json", env=server_env(article_server),
                                  stdin=STDIN_TEXT.encode())
    assert code == 0, err
    items = [json.loads(line) for line in out.splitlines()]
    assert [sorted(i) for i in items] == [sorted(["source", "url", "title", "author", "date", "site", "language",
                                                  "text", "words"])] * 3
    web, local, stdin = items
    assert web["source"] == url and "utm_source" not in web["url"]
    assert web["title"] == local["title"] == "Millbrook council approves library expansion after late-night vote"
    assert web["text"] == local["text"] and web["words"] == len(web["text"].split())
    assert stdin["title"] == "Ferry timetable changes for the winter" and stdin["url"] == "stdin:"
    assert stdin["text"].startswith("The harbour authority will run")


async def test_extract_refused_source_is_one_line_and_exit_1(tmp_path: Path) -> None:
    code, out, err = await precis(tmp_path, "extract", "http://169.254.169.254/latest/meta-data/", "--json")
    assert (code, out) == (1, "")
    assert err.strip().splitlines() == [
        "precis: http://169.254.169.254/latest/meta-data/: That address is not public, so I won't fetch it."]


async def test_summarize_json_shape(tmp_path: Path, article_server: ArticleServer) -> None:
    code, out, err = await precis(tmp_path, "summarize", article_server.url("pages/ledger-council-budget.html"),
                                  "--style", "detailed", "--json", env=server_env(article_server))
    assert code == 0, err
    data = json.loads(out)
    assert list(data) == ["title", "tldr", "key_points", "source", "words", "provider", "model"]
    assert data["provider"] == "extractive" and data["model"] is None
    assert len(data["key_points"]) == 6 and data["tldr"]   # detailed: six points
    code, _, err = await precis(tmp_path, "summarize", "file-that-is-not-there.html")
    assert code == 1 and err.strip() == "precis: file-that-is-not-there.html is neither a http(s) URL nor a " \
                                        "readable file."


async def test_ask_json_shape_and_abstention(tmp_path: Path) -> None:
    code, out, err = await precis(tmp_path, "ask", str(PAGE), "Who is the library director?", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert list(data) == ["answer", "quotes", "answerable", "confidence", "provider"]
    assert data["answerable"] is True and "Teresa Vann" in data["answer"] and data["quotes"]
    assert all(q in PAGE.read_text() or q.replace("’", "'") in PAGE.read_text() for q in data["quotes"])
    code, out, _ = await precis(tmp_path, "ask", str(PAGE), "What is the mayor's salary?", "--json")
    data = json.loads(out)
    # The built-in answerer cannot be sure the article doesn't say it: it says it couldn't find it.
    assert (data["answerable"], data["quotes"]) == (False, [])
    assert data["answer"].startswith("I couldn't find that in the article.")


async def test_db_migrate_and_backup(tmp_path: Path) -> None:
    code, out, _ = await precis(tmp_path, "db", "migrate")
    assert code == 0 and out.startswith("schema version 0 ->")
    code, out, _ = await precis(tmp_path, "db", "migrate")
    assert out.startswith("schema is up to date")
    code, out, _ = await precis(tmp_path, "db", "backup", str(tmp_path / "backup.sqlite3"))
    assert code == 0
    with sqlite3.connect(tmp_path / "backup.sqlite3") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT count(*) FROM sqlite_master WHERE name = 'messages'").fetchone()[0] == 1


async def test_report_and_usage_on_an_empty_guild(tmp_path: Path) -> None:
    code, out, err = await precis(tmp_path, "report", "--guild", "42", "--since", "30d", "--format", "json",
                                  "--chart", str(tmp_path / "chart.png"))
    assert code == 0, err
    data = json.loads(out)
    assert data["guild_id"] == "42" and data["activity"]["messages"] == 0
    assert (tmp_path / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, out, err = await precis(tmp_path, "report", "--guild", "42", "--since", "forever")
    assert code == 1 and "--since" in err and len(err.strip().splitlines()) == 1
    code, out, _ = await precis(tmp_path, "usage", "--guild", "42")
    assert code == 0 and "0 tokens in 0 calls" in out


async def test_invite_link_has_minimal_permissions(tmp_path: Path) -> None:
    code, out, _ = await precis(tmp_path, "invite", "--client-id", "123456789012345678")
    assert code == 0
    assert out.strip() == ("https://discord.com/oauth2/authorize?client_id=123456789012345678"
                           "&scope=bot+applications.commands&permissions=309237763136")
    code, _, err = await precis(tmp_path, "invite")
    assert code == 2 and "--client-id" in err


async def test_run_without_token_says_how(tmp_path: Path) -> None:
    code, _, err = await precis(tmp_path, "run")
    assert code == 2 and err.strip() == "precis: DISCORD_TOKEN is not set; see README.md, 'Running it on your server'"


async def test_run_refuses_impossible_shards_in_one_line(tmp_path: Path) -> None:
    for args, says in ((["--shard-ids", "0"], "--shard-ids needs --shard-count"),
                       (["--shard-count", "2", "--shard-ids", "0,2"], "from 0 to 1")):
        code, _, err = await precis(tmp_path, "run", *args, env={"DISCORD_TOKEN": "x"})
        assert code == 2 and says in err and len(err.strip().splitlines()) == 1, err
