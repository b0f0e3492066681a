"""The command line as a process against hostile pages on loopback: charsets Python knows but browsers don't,
malformed hosts and a PDF built to take hours all end in one clean result."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from tests.fakes.article_server import ArticleServer
from tests.fakes.hostile_pages import article_html, article_sentences, shared_stream_pdf


async def precis(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    environment = {"PATH": os.environ.get("PATH", ""), "DATABASE_PATH": str(tmp_path / "cli.sqlite3"),
                   "HOME": str(tmp_path), **(env or {})}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=tmp_path, env=environment, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(process.communicate(), 60)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def server_env(server: ArticleServer) -> dict[str, str]:
    return {"FETCH_ALLOWED_NETWORKS": '["127.0.0.1/32"]', "FETCH_ALLOWED_PORTS": f"[80, 443, {server.port}]"}


async def test_extract_reads_pages_labelled_with_non_text_codecs(tmp_path: Path,
                                                                 article_server: ArticleServer) -> None:
    page = article_html(article_sentences(40), title="Harbour works")
    urls = [article_server.add(f"label-{label}", page, content_type=f"text/html; charset={label}")
            for label in ("rot13", "hex", "base64", "uu", "undefined", "punycode")]
    code, out, err = await precis(tmp_path, "extract", *urls, env=server_env(article_server))
    assert code == 0, err
    assert out.count("# Harbour works") == len(urls)


async def test_extract_refuses_a_host_with_a_nul_in_one_line(tmp_path: Path) -> None:
    url = "http://127.0.0.1%00.evil.test/"
    code, out, err = await precis(tmp_path, "extract", url)
    assert (code, out) == (1, "")
    assert err.strip().splitlines() == [f"precis: {url}: That doesn't look like a web address I can read."]


@pytest.mark.slow
async def test_summarize_ends_a_pdf_built_to_take_hours(tmp_path: Path, article_server: ArticleServer) -> None:
    url = article_server.add("report.pdf", shared_stream_pdf(), content_type="application/pdf")
    code, out, err = await precis(tmp_path, "summarize", url, env=server_env(article_server))
    assert code == 0, err
    assert "covers only its first part" in out
