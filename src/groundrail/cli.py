"""The `groundrail` command line."""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import signal
import sys
from collections.abc import Sequence

from groundrail import __version__
from groundrail.config import ConfigError, Settings, load_settings
from groundrail.observe import logs

log = logging.getLogger("groundrail")


def main(argv: Sequence[str] | None = None) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        sys.exit(2)
    args.run(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="groundrail", description="A grounding guardrail gateway for OpenAI-compatible APIs."
    )
    parser.add_argument("--version", action="version", version=f"groundrail {__version__}")
    commands = parser.add_subparsers(title="commands")

    serve = commands.add_parser("serve", help="run the gateway")
    serve.add_argument("--host", help="address to bind (GROUNDRAIL_HOST, default 0.0.0.0)")
    serve.add_argument("--port", type=int, help="port (GROUNDRAIL_PORT, default 8080)")
    serve.add_argument(
        "--upstream", help="default upstream base URL (GROUNDRAIL_UPSTREAM, default OpenAI)"
    )
    serve.add_argument("--config", help="YAML settings file (GROUNDRAIL_CONFIG)")
    serve.add_argument(
        "--workers", type=int, help="processes sharing the port (GROUNDRAIL_WORKERS, default 1)"
    )
    serve.add_argument(
        "--log-level",
        choices=["debug", "info", "warning", "error"],
        help="GROUNDRAIL_LOG_LEVEL, default info",
    )
    serve.set_defaults(run=_serve)
    return parser


def _settings(args: argparse.Namespace, fields: Sequence[str]) -> Settings:
    try:
        return load_settings({f: getattr(args, f) for f in fields})
    except ConfigError as exc:
        sys.exit(f"groundrail: {exc}")


def _serve(args: argparse.Namespace) -> None:
    settings = _settings(args, ("host", "port", "upstream", "config", "workers", "log_level"))
    logs.configure(settings.log_level)
    log.info(
        "serving",
        extra={
            "address": f"http://{settings.host}:{settings.port}",
            "workers": settings.workers,
            "upstreams": {u.name: u.base_url for u in settings.routes()},
        },
    )
    if settings.workers == 1:
        _worker(settings, reuse_port=False)
        return
    ctx = multiprocessing.get_context("spawn")
    workers = [
        ctx.Process(target=_worker, args=(settings, True), name=f"groundrail-{n}")
        for n in range(settings.workers)
    ]
    for worker in workers:
        worker.start()

    def stop(signum: int, frame: object) -> None:
        for worker in workers:
            if worker.is_alive() and worker.pid is not None:
                worker.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for worker in workers:
        worker.join()


def _worker(settings: Settings, reuse_port: bool) -> None:
    from groundrail.server.app import run  # imported here: the CLI's other commands skip it

    logs.configure(settings.log_level)
    run(settings, reuse_port=reuse_port)
