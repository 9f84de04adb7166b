# syntax=docker/dockerfile:1
# groundrail: the grounding guardrail gateway. Two stages: the first builds the wheel (the ONNX
# model and the tiktoken files ship inside it), the second installs it into a venv on a clean
# python:3.11-slim, with no build tools, and runs it as an unprivileged user.
#
#   docker build -t groundrail:0.1.0 .
#   docker run --rm -p 8080:8080 -e GROUNDRAIL_UPSTREAM=https://api.openai.com/v1 groundrail:0.1.0

FROM python:3.11-slim AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

WORKDIR /build
COPY pyproject.toml README.md ./
COPY src/ src/
RUN python -m pip wheel --no-deps --wheel-dir /dist .


FROM python:3.11-slim

LABEL org.opencontainers.image.title="groundrail" \
      org.opencontainers.image.description="A grounding guardrail gateway for OpenAI-compatible LLM APIs" \
      org.opencontainers.image.licenses="Apache-2.0"

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# The wheel is bind-mounted from the builder stage, so it is never part of a layer; its
# dependencies all come as binary wheels, so nothing is compiled here.
RUN --mount=type=bind,from=builder,source=/dist,target=/dist \
    python -m venv "$VIRTUAL_ENV" \
    && "$VIRTUAL_ENV/bin/pip" install --no-cache-dir /dist/groundrail-*.whl \
    && groupadd --system --gid 10001 groundrail \
    && useradd --system --no-log-init --uid 10001 --gid 10001 --no-create-home \
        --home-dir /tmp --shell /usr/sbin/nologin groundrail

WORKDIR /app
# Owned by root and read-only to the server: mount a volume (or, on Kubernetes, a ConfigMap
# directory) over /app/policies to change them; the directory is polled and hot-reloaded.
COPY policies/ /app/policies/

# HOME=/tmp: the one writable place on a read-only root filesystem (ONNX Runtime keeps a small
# state file under $HOME and warns when it cannot).
ENV HOME=/tmp \
    GROUNDRAIL_HOST=0.0.0.0 \
    GROUNDRAIL_PORT=8080 \
    GROUNDRAIL_POLICIES=/app/policies

USER 10001:10001
EXPOSE 8080

# Alive (the model loads before the server listens: hence the start period). No curl in slim.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('GROUNDRAIL_PORT', '8080'), timeout=4)"]

ENTRYPOINT ["groundrail", "serve"]
