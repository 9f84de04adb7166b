"""Run an aiohttp app on a free loopback port inside the current event loop."""

from __future__ import annotations

from aiohttp import web


class RunningApp:
    def __init__(self, app: web.Application, handler_cancellation: bool = True) -> None:
        self._runner = web.AppRunner(
            app, handler_cancellation=handler_cancellation, access_log=None
        )
        self.url = ""

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        address = self._runner.addresses[0]
        self.url = f"http://{address[0]}:{address[1]}"
        return self.url

    async def stop(self) -> None:
        await self._runner.cleanup()
