"""The `groundrail` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, get_args

import orjson

from groundrail import __version__
from groundrail.config import ConfigError, Settings, load_settings
from groundrail.evaluation.datasets import DATASETS, Split
from groundrail.observe import logs
from groundrail.openai.errors import GatewayError

if TYPE_CHECKING:
    from groundrail.grounding.engine import GroundingResult
    from groundrail.grounding.runtime import GroundingRuntime

log = logging.getLogger("groundrail")


# Exit statuses: 0 done (and, for `check`, grounded); 1 the answer or the files checked
# failed (`check`: not grounded; `policy validate`: invalid); 2 the command could not run
# (a bad flag, an unreadable file, a broken config or model), as argparse's usage errors.
FAILED = 1
ERROR = 2


def main(argv: Sequence[str] | None = None) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        sys.exit(ERROR)
    try:
        args.run(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader went away (`groundrail docs policies | head`): stop quietly, as Unix
        # tools do; stdout goes to /dev/null so the interpreter's last flush cannot fail too
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(128 + signal.SIGPIPE)


def _fail(message: str) -> NoReturn:
    """Stop with a one-line error on stderr and exit status 2."""
    print(f"groundrail: {message}", file=sys.stderr)
    sys.exit(ERROR)


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
        "--policies", help="policy directory, watched (GROUNDRAIL_POLICIES, default ./policies)"
    )
    serve.add_argument(
        "--redis-url", help="shared verdict cache, budgets, feedback (GROUNDRAIL_REDIS_URL)"
    )
    serve.add_argument(
        "--log-level",
        choices=["debug", "info", "warning", "error"],
        help="GROUNDRAIL_LOG_LEVEL, default info",
    )
    serve.set_defaults(run=_serve)

    demo = commands.add_parser(
        "demo-upstream",
        help="a scripted OpenAI-compatible upstream, to try the gateway without an API key",
        description="Serve chat completions, completions, responses (streamed too) and models "
        "with scripted answers: the x-demo-answer request header, else the first answers-file "
        "entry whose pattern is found in the prompt, else the file's default. No model, no "
        "network, any API key.",
    )
    demo.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    demo.add_argument("--port", type=int, default=9000, help="port (default 9000)")
    demo.add_argument(
        "--answers",
        type=Path,
        help="YAML of `answers: [{match: REGEX, answer: TEXT}]` and `default: TEXT` "
        "(default: the packaged demo answers the README's walkthrough uses)",
    )
    demo.set_defaults(run=_demo_upstream)

    check = commands.add_parser(
        "check",
        help="ground an answer in context files, offline",
        description="Ground an answer in context files, offline. Exit status: 0 grounded; "
        "1 not grounded (unsupported or contradicted claims, or nothing to check against); "
        "2 error.",
    )
    check.add_argument("--context", nargs="+", required=True, metavar="FILE", help="documents")
    check.add_argument("--answer", required=True, metavar="FILE", help="the answer to check")
    check.add_argument("--question", help="the question the answer responds to")
    check.add_argument("--json", action="store_true", help="print the verdict JSON")
    check.add_argument("--config", help="YAML settings file (its grounding: section)")
    check.set_defaults(run=_check)

    evaluate = commands.add_parser("eval", help="held-out quality on a labelled data set")
    evaluate.add_argument(
        "dataset",
        choices=[*DATASETS, "all"],
        help="a data set (docs/grounding.md lists each, its files and labels) or all",
    )
    evaluate.add_argument(
        "--data",
        required=True,
        type=Path,
        help="folder holding the data sets in their published layouts "
        "(halueval/qa_data.jsonl, wice/claim_test.jsonl …; docs/grounding.md)",
    )
    evaluate.add_argument(
        "--split",
        default="test",
        choices=get_args(Split),
        help="the fixed seeded split to score (default test: never trained or tuned on)",
    )
    evaluate.add_argument(
        "--limit",
        type=int,
        help="a seeded sample of about N items (default: the whole split, or the documented "
        "sample for the largest sets)",
    )
    evaluate.add_argument("--config", help="YAML settings file (its grounding: section)")
    evaluate.set_defaults(run=_eval)

    policy = commands.add_parser("policy", help="validate and try out policies").add_subparsers()
    validate = policy.add_parser("validate", help="check policy files; exit 1 on any error")
    validate.add_argument("paths", nargs="+", type=Path, help="policy files or directories")
    validate.set_defaults(run=_policy_validate)
    trial = policy.add_parser("test", help="run a policy over a saved request and response")
    trial.add_argument("path", type=Path, help="policy file or directory")
    trial.add_argument("--request", required=True, type=Path, help="request body JSON")
    trial.add_argument("--response", required=True, type=Path, help="response body JSON")
    trial.add_argument("--policy", help="policy name (default: selected as the gateway would)")
    trial.add_argument(
        "--route", dest="path_", default="/v1/chat/completions", help="the API route"
    )
    trial.add_argument("--config", help="YAML settings file (its grounding: section)")
    trial.set_defaults(run=_policy_test)

    docs = commands.add_parser("docs", help="print a generated reference page")
    docs.add_argument(
        "page", choices=["configuration", "policies", "metrics"], help="the page to print"
    )
    docs.add_argument(
        "--examples",
        type=Path,
        default=Path("policies"),
        help="policy folder whose files the policies page quotes as examples (default policies)",
    )
    docs.set_defaults(run=_docs)

    feedback = commands.add_parser("feedback", help="captured corrections").add_subparsers()
    export_feedback = feedback.add_parser(
        "export", help="feedback with context, answer and claims, as JSON lines"
    )
    export_feedback.add_argument(
        "--since", default="0", help="epoch seconds or an ISO date (default: everything)"
    )
    export_feedback.add_argument("--redis-url", help="GROUNDRAIL_REDIS_URL")
    export_feedback.add_argument("--config", help="YAML settings file (redis_url, cache.prefix)")
    export_feedback.set_defaults(run=_feedback_export)

    model = commands.add_parser("model", help="manage grounding models").add_subparsers()
    export = model.add_parser("export", help="Hugging Face NLI checkpoint -> int8 ONNX folder")
    export.add_argument(
        "hf_dir", type=Path, help="a local Hugging Face sequence-classification checkpoint"
    )
    export.add_argument("out_dir", type=Path, help="the model folder to write")
    export.add_argument(
        "--max-length",
        type=int,
        default=256,
        help="longest input the exported model takes, in tokens: premise window + claim "
        "(default 256)",
    )
    export.add_argument("--window", type=int, default=192, help="context window, in tokens")
    export.add_argument("--no-quantize", action="store_true", help="keep fp32 weights")
    export.set_defaults(run=_export)
    return parser


def _settings(args: argparse.Namespace, fields: Sequence[str]) -> Settings:
    try:
        return load_settings({f: getattr(args, f) for f in fields})
    except ConfigError as exc:
        _fail(str(exc))


def _serve(args: argparse.Namespace) -> None:
    settings = _settings(
        args,
        ("host", "port", "upstream", "config", "workers", "log_level", "policies", "redis_url"),
    )
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
    # each worker counts into files here; /metrics in any worker sums them all
    metrics_dir = tempfile.mkdtemp(prefix="groundrail-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
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
    shutil.rmtree(metrics_dir, ignore_errors=True)
    failed = [w.name for w in workers if w.exitcode not in (0, -signal.SIGTERM)]
    if failed:
        _fail(f"worker(s) {', '.join(failed)} failed")


def _check(args: argparse.Namespace) -> None:
    from groundrail.grounding.context import document
    from groundrail.grounding.report import to_dict, to_text

    settings = _settings(args, ("config",))
    try:
        # read as the gateway reads a `groundrail.context` string: a JSON record linearised
        docs = [document(Path(f).name, Path(f).read_text(encoding="utf-8")) for f in args.context]
        answer = Path(args.answer).read_text(encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot read {exc.filename}: {exc.strerror}")

    async def run() -> GroundingResult:
        runtime = await _open_grounding(settings)
        try:
            return await runtime.engine.check(docs, answer, args.question)
        finally:
            await runtime.close()

    result = asyncio.run(run())
    print(
        orjson.dumps(to_dict(result), option=orjson.OPT_INDENT_2).decode()
        if args.json
        else to_text(result)
    )
    if result.verdict != "grounded":  # ungrounded, contradicted, not_evaluated
        sys.stdout.flush()
        sys.exit(FAILED)


def _demo_upstream(args: argparse.Namespace) -> None:
    from groundrail.testing import demo
    from groundrail.testing.upstream import FakeUpstream

    try:
        script = demo.Script.load(args.answers or demo.DEFAULT_ANSWERS)
    except demo.ScriptError as exc:
        _fail(str(exc))
    fake = FakeUpstream()
    fake.choose = script.answer

    def ready(url: str) -> None:
        print(f"demo upstream: {url} (groundrail serve --upstream {url})", flush=True)

    try:
        asyncio.run(demo.serve(fake, args.host, args.port, ready))
    except OSError as exc:
        _fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror}")


def _eval(args: argparse.Namespace) -> None:
    from groundrail.evaluation import datasets, evaluate

    settings = _settings(args, ("config",))
    names: tuple[str, ...] = datasets.DATASETS if args.dataset == "all" else (args.dataset,)
    if args.split == "calibration":  # carved from train in the real-answer pools alone
        carved = [n for n in datasets.DATASETS if datasets.pool_of(n) in datasets.CALIBRATION_POOLS]
        names = tuple(n for n in names if n in carved)
        if not names:
            _fail(f"{args.dataset} has no calibration split; the sets that do: {', '.join(carved)}")

    async def run() -> None:
        runtime = await _open_grounding(settings)
        try:
            for name in names:
                items = datasets.sample(
                    datasets.load(name, args.data, args.split),
                    args.limit or datasets.EVAL_SAMPLE.get(name),
                )
                report = await evaluate.evaluate(runtime.engine, name, items)
                print(evaluate.format_report(name, args.split, runtime.engine.model.id, report))
        finally:
            await runtime.close()

    try:
        asyncio.run(run())
    except FileNotFoundError as exc:
        _fail(f"{exc.filename}: not found; --data must name the data folder")


def _policy_validate(args: argparse.Namespace) -> None:
    from groundrail.policy.loader import PolicyError, load
    from groundrail.rules.regex import RegexConfig, backtracking_risk

    try:
        policies = load(args.paths)
    except PolicyError as exc:
        print(exc, file=sys.stderr)
        sys.exit(FAILED)
    for policy in policies.values():
        print(f"ok  {policy.label:<32} {len(policy.rules)} rules  ({policy.source})")
        for rule in policy.rules:
            if not isinstance(rule, RegexConfig):
                continue
            risk = backtracking_risk(rule.pattern)
            if risk is not None:
                print(
                    f"warning: {policy.source}: policy {policy.name}, rule {rule.name}: "
                    f"pattern '{rule.pattern}' may backtrack catastrophically: {risk}; it "
                    f"stops at its timeout_ms ({rule.timeout_ms:g}) and then follows on_error",
                    file=sys.stderr,
                )


def _docs(args: argparse.Namespace) -> None:
    from groundrail import reference as docs

    if args.page == "configuration":
        print(docs.configuration(), end="")
    elif args.page == "metrics":
        print(docs.metrics_reference(), end="")
    else:
        print(docs.render(args.examples), end="")


def _policy_test(args: argparse.Namespace) -> None:
    from groundrail.policy import trial
    from groundrail.policy.loader import PolicyError

    settings = _settings(args, ("config",))
    try:
        prepared = trial.prepare(args.path, args.request, args.response, args.path_, args.policy)
    except (PolicyError, trial.TrialError, GatewayError) as exc:
        _fail(str(exc))

    async def run() -> str:
        runtime = await _open_grounding(settings)
        try:
            return await trial.run(runtime.engine, prepared)
        finally:
            await runtime.close()

    print(asyncio.run(run()))


def _feedback_export(args: argparse.Namespace) -> None:
    from groundrail.cache.store import RedisStore
    from groundrail.observe.feedback import FeedbackLog
    from groundrail.server.feedback import parse_since

    settings = _settings(args, ("redis_url", "config"))
    if settings.redis_url is None:
        _fail(
            "feedback lives in Redis: give --redis-url (or GROUNDRAIL_REDIS_URL); "
            "a gateway without Redis serves it at GET /v1/feedback/export?since=…"
        )
    try:
        since = parse_since(args.since)
    except GatewayError as exc:
        _fail(str(exc))

    async def run() -> list[dict[str, object]]:
        store = RedisStore(settings.redis_url or "", timeout=5)
        try:
            return await FeedbackLog(store, settings.cache.prefix, 1, None).export(since)
        finally:
            await store.close()

    for entry in asyncio.run(run()):
        sys.stdout.write(orjson.dumps(entry).decode() + "\n")


def _export(args: argparse.Namespace) -> None:
    from groundrail.grounding.export import export

    try:
        card = export(
            args.hf_dir,
            args.out_dir,
            max_length=args.max_length,
            window_tokens=args.window,
            quantize=not args.no_quantize,
        )
    except ImportError as exc:
        _fail(f"model export needs {exc.name}: pip install 'groundrail[export]'")
    print(f"wrote {args.out_dir}: {card.name}, labels {card.labels}")
    print(f"use it with `grounding: {{model: {args.out_dir}}}` in the config file")


async def _open_grounding(settings: Settings) -> GroundingRuntime:
    from groundrail.grounding.card import ModelLoadError
    from groundrail.grounding.runtime import GroundingRuntime

    try:
        return await GroundingRuntime.open(settings.grounding)
    except ModelLoadError as exc:
        _fail(str(exc))


def _worker(settings: Settings, reuse_port: bool) -> None:
    from groundrail.grounding.card import ModelLoadError
    from groundrail.policy.loader import PolicyError
    from groundrail.server.app import run  # imported here: the CLI's other commands skip it

    logs.configure(settings.log_level)
    log.info("worker starting", extra={"reuse_port": reuse_port})
    try:
        run(settings, reuse_port=reuse_port)
    except (ModelLoadError, PolicyError) as exc:
        _fail(str(exc))
