"""A tiny local web server for the playground's example articles (written by the team)."""

from __future__ import annotations

from importlib import resources

from aiohttp import web


class ArticleServer:
    def __init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self, host: str = "127.0.0.1") -> ArticleServer:
        app = web.Application()
        app.router.add_get("/{name}", self._page)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.host = host
        return self

    def url(self, name: str) -> str:
        return f"http://{self.host}:{self.port}/{name}"

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _page(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        page = resources.files("bot.playground") / "articles" / name
        if "/" in name or not name.endswith(".html") or not page.is_file():
            raise web.HTTPNotFound()
        return web.Response(body=page.read_bytes(), content_type="text/html", charset="utf-8")
