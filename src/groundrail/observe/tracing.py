"""OpenTelemetry traces, when OTEL_EXPORTER_OTLP_ENDPOINT is set and the `otel` extra is
installed: a span per request with children for upstream, grounding, cache and each rule.
Otherwise every span is a no-op costing one function call."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from typing import Any

log = logging.getLogger("groundrail.tracing")
_tracer: Any = None


def configure(exporter: Any = None) -> bool:
    """Set up tracing: with an exporter given (tests), or from the OTEL_* environment."""
    global _tracer
    if exporter is None and not os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        return False
    try:
        from opentelemetry import trace
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
    except ImportError:
        log.warning("OTEL_EXPORTER_OTLP_ENDPOINT is set but the otel extra is not installed")
        return False
    provider = TracerProvider(resource=Resource.create({"service.name": "groundrail"}))
    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    else:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    _tracer = provider.get_tracer("groundrail")
    return True


_OFF: contextlib.AbstractContextManager[Any] = contextlib.nullcontext()


def span(name: str, **attributes: Any) -> contextlib.AbstractContextManager[Any]:
    """A span around a block; without a configured tracer, nothing at all."""
    return _OFF if _tracer is None else _span(name, attributes)


@contextlib.contextmanager
def _span(name: str, attributes: dict[str, Any]) -> Iterator[Any]:
    assert _tracer is not None
    with _tracer.start_as_current_span(name) as current:
        for key, value in attributes.items():
            if value is not None:
                current.set_attribute(key, value)
        yield current
