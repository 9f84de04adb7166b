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

from groundrail.testing.demo import serve
from groundrail.testing.upstream import FakeUpstream


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    asyncio.run(serve(FakeUpstream(), watch_stdin=True))


if __name__ == "__main__":
    main()
