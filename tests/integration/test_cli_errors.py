"""Every way the command line can be handed something wrong: one line on standard error, a non-zero exit,
nothing created by mistake. The real CLI as a process (`python -m bot`)."""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import random
import sqlite3
import sys
from pathlib import Path

import pytest

from tests.integration.test_cli import PAGE, precis

PROGRAM = Path(sys.executable).resolve()   # a real executable: binary, like /bin/ls


def databases(folder: Path) -> list[Path]:
    return list(folder.glob("*.sqlite3"))


def one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0]


async def test_lists_in_settings_may_be_comma_separated(tmp_path: Path) -> None:
    code, _, err = await precis(tmp_path, "usage", "--guild", "1", env={"OWNER_IDS": "1,2",
                                                                        "FETCH_ALLOWED_PORTS": "80,443"})
    assert code == 0, err
    code, _, err = await precis(tmp_path, "usage", "--guild", "1", env={"OWNER_IDS": "1,two"})
    assert code == 2 and one_line(err).startswith("precis: invalid setting OWNER_IDS")


async def test_database_path_that_cannot_hold_a_database(tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    cases = {str(tmp_path): "is a folder, not a database file",
             str(a_file / "precis.sqlite3"): "a file is in the way",
             "/proc/precis/precis.sqlite3": "cannot create the folder /proc/precis"}
    verbs = (["usage", "--guild", "1"], ["db", "migrate"], ["summarize", str(PAGE)])
    for (path, reason), verb in zip(cases.items(), verbs, strict=True):
        code, out, err = await precis(tmp_path, *verb, env={"DATABASE_PATH": path})
        assert (code, out) == (2, ""), err
        line = one_line(err)
        assert line.startswith("precis: DATABASE_PATH: ") and reason in line


async def test_output_files_into_missing_folders_or_onto_folders(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such"
    code, _, err = await precis(tmp_path, "export", "--guild", "1", "--out", str(missing / "log.jsonl"))
    assert code == 1 and one_line(err) == f"precis: --out: there is no folder {missing}"
    code, _, err = await precis(tmp_path, "report", "--guild", "1", "--chart", str(tmp_path))
    assert code == 1 and one_line(err) == f"precis: --chart: {tmp_path} is a folder; give a file name"
    code, _, err = await precis(tmp_path, "report", "--guild", "1", "--chart", str(missing / "chart.png"))
    assert code == 1 and one_line(err) == f"precis: --chart: there is no folder {missing}"
    assert not (tmp_path / "no").exists()


async def test_export_into_a_closed_pipe_stops_quietly(tmp_path: Path) -> None:
    database = tmp_path / "cli.sqlite3"
    assert (await precis(tmp_path, "db", "migrate"))[0] == 0
    with sqlite3.connect(database) as conn:
        conn.executemany("INSERT INTO messages (id, guild_id, channel_id, author_id, content, created_at) "
                         "VALUES (?, 7, 8, 9, ?, 1790000000000)", [(i, f"line {i} " * 20) for i in range(1, 20_001)])
    read, write = os.pipe()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "export", "--guild", "7", cwd=tmp_path, stdout=write,
        stderr=asyncio.subprocess.PIPE, env={"PATH": os.environ.get("PATH", ""), "DATABASE_PATH": str(database)})
    os.close(write)
    with os.fdopen(read, "rb") as pipe:          # `| head -2`: read two lines, then hang up
        first_two = [pipe.readline(), pipe.readline()]
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert [json.loads(line)["content"].split()[:2] for line in first_two] == [["line", "1"], ["line", "2"]]
    assert err.decode() == "" and process.returncode == 141


@pytest.mark.parametrize(("args", "code", "message"), [
    (["export", "--guild", "1", "--since", "99999999999d"], 1,
     "precis: --since: '99999999999d' is longer than ten years"),
    (["export", "--guild", "99999999999999999999"], 2, "precis export: argument --guild: 99999999999999999999 is not "
                                                         "a Discord id (those are positive and below 2**63)"),
    (["usage", "--guild", "ten"], 2, "precis usage: argument --guild: 'ten' is not a Discord id (a number)"),
])
async def test_bad_arguments_are_one_line(tmp_path: Path, args: list[str], code: int, message: str) -> None:
    got, out, err = await precis(tmp_path, *args)
    assert (got, out) == (code, "")
    assert one_line(err).startswith(message)


async def test_db_backup_refuses_folders_missing_folders_and_a_missing_database(tmp_path: Path) -> None:
    code, _, err = await precis(tmp_path, "db", "backup", str(tmp_path / "copy.sqlite3"))
    assert code == 2 and one_line(err) == f"precis: DATABASE_PATH: there is no database at {tmp_path / 'cli.sqlite3'}"
    assert databases(tmp_path) == []                 # a mistyped DATABASE_PATH creates no empty database

    sqlite3.connect(tmp_path / "cli.sqlite3").close()   # an empty database: the backup migrates it first
    code, _, err = await precis(tmp_path, "db", "backup", str(tmp_path))
    assert code == 1 and one_line(err) == f"precis: db backup: {tmp_path} is a folder; give a file name"
    code, _, err = await precis(tmp_path, "db", "backup", str(tmp_path / "missing" / "dir" / "x"))
    assert code == 1 and one_line(err) == f"precis: db backup: there is no folder {tmp_path / 'missing' / 'dir'}"
    assert not (tmp_path / "missing").exists()
    code, _, err = await precis(tmp_path, "db", "backup", str(tmp_path / "cli.sqlite3"))
    assert code == 1 and "is the database itself" in one_line(err)


async def test_binary_files_are_refused(tmp_path: Path) -> None:
    archive, noise = tmp_path / "page.html.gz", tmp_path / "noise.txt"
    archive.write_bytes(gzip.compress(PAGE.read_bytes()))
    noise.write_bytes(random.Random(11).randbytes(4096))
    program = PROGRAM
    refused = "That is not a web page, text or PDF file."
    code, out, err = await precis(tmp_path, "extract", str(archive), str(program), str(noise), str(PAGE))
    assert code == 1 and out.startswith("# Millbrook council approves")   # the good one is still extracted
    assert err.splitlines() == [f"precis: {source}: {refused}" for source in (archive, program, noise)]
    code, out, err = await precis(tmp_path, "summarize", str(archive))
    assert (code, out) == (1, "") and one_line(err) == f"precis: {refused}"
    code, out, err = await precis(tmp_path, "ask", "-", "Who won?", stdin=program.read_bytes()[:20_000])
    assert (code, out) == (1, "") and one_line(err) == f"precis: {refused}"


async def test_library_complaints_stay_off_standard_error(tmp_path: Path) -> None:
    empty = tmp_path / "comment.html"
    empty.write_text("<!-- nothing here but a comment -->")   # lxml and trafilatura log errors about it
    code, out, err = await precis(tmp_path, "extract", str(empty))
    assert (code, out) == (1, "")
    assert one_line(err) == f"precis: {empty}: I couldn't find any article text on that page."
    code, _, err = await precis(tmp_path, "--log-level", "INFO", "extract", str(empty))
    assert "trafilatura" in err                    # asked for, the library's log is there
