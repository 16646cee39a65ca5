"""Serving a fake platform outside pytest's client fixtures (benches, served-process tests)."""
from __future__ import annotations

from aiohttp import web


class Loopback:
    """A fake that builds its routes in `app()` serves them on a port of its own."""

    _runner: web.AppRunner

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """The base URL to put in the bot's settings (port 0: any free port)."""
        self._runner = web.AppRunner(self.app(), access_log=None)  # type: ignore[attr-defined]
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        sock = site._server.sockets[0]  # type: ignore[union-attr]
        return f"http://{host}:{sock.getsockname()[1]}"

    async def close(self) -> None:
        await self._runner.cleanup()
