"""Serve groundrail's FakeUpstream in a process of its own, for bench/overhead.py.

    python bench/fake_upstream.py

Binds a free port on 127.0.0.1 only, prints its base URL (``http://127.0.0.1:PORT/v1``) as
the first line on stdout, and serves until SIGTERM/SIGINT or, when stdin is a pipe, until that
reaches end of file (so it goes away with the process that started it). The requests it
records are dropped every second, so a long benchmark does not grow it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import stat
import sys

from groundrail.testing.upstream import FakeUpstream


async def serve() -> None:
    fake = FakeUpstream()
    await fake.start()  # 127.0.0.1, a free port
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    stdin = sys.stdin.fileno()

    def stdin_readable() -> None:
        try:
            data = os.read(stdin, 4096)
        except OSError:
            data = b""
        if not data:
            loop.remove_reader(stdin)
            stop.set()

    # Only a pipe or socket can be watched, and only those end when the parent goes away.
    mode = os.fstat(stdin).st_mode
    watch_stdin = stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)
    if watch_stdin:
        loop.add_reader(stdin, stdin_readable)
    print(fake.url, flush=True)
    try:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=1.0)
            fake.requests.clear()
    finally:
        if watch_stdin:
            loop.remove_reader(stdin)
        await fake.stop()


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    asyncio.run(serve())


if __name__ == "__main__":
    main()
