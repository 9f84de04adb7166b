"""The review page's JSON API (/ui/api/…): the audit stream listed, filtered, paged and read
back one request at a time; its access rule; its charts; its security headers."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import aiohttp
import pytest
from aiohttp.test_utils import make_mocked_request

from conftest import GatewayFactory, RedisServer
from groundrail.server import ui
from groundrail.testing.upstream import FakeUpstream
from groundrail.ui import charts

CONTEXT = "The Louvre in Paris opened in 1793. Its curator is Ana Rossi."
FLAGGED = "The Louvre opened in 1793. It was built by Martians."
GROUNDED = "The Louvre opened in 1793."
KEYS = {
    "sk-admin": {"tenant": "ops", "admin": True},
    "sk-acme": {"tenant": "acme"},
    "sk-zeta": {"tenant": "zeta"},
}


def body(model: str = "gpt-4o-mini") -> dict[str, Any]:
    return {
        "model": model,
        "messages": [{"role": "user", "content": "When did it open? Mail ana@louvre.fr"}],
        "groundrail": {"context": [CONTEXT]},
    }


async def ask(
    http: aiohttp.ClientSession,
    url: str,
    upstream: FakeUpstream,
    answer: str,
    model: str = "gpt-4o-mini",
    key: str | None = None,
) -> str:
    upstream.answer = answer
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    async with http.post(
        url + "/v1/chat/completions", json=body(model), headers=headers
    ) as response:
        assert response.status == 200, await response.text()
        return response.headers["x-groundrail-request-id"]


async def listed(
    http: aiohttp.ClientSession, url: str, count: int, query: str = "", key: str = "sk-admin"
) -> dict[str, Any]:
    """The list once the audit writer has caught up with `count` rows."""
    page: dict[str, Any] = {}
    for _ in range(100):
        async with http.get(
            f"{url}/ui/api/requests?{query}", headers={"Authorization": f"Bearer {key}"}
        ) as response:
            assert response.status == 200, await response.text()
            page = await response.json()
        if len(page["data"]) >= count:
            return page
        await asyncio.sleep(0.05)
    raise AssertionError(f"the list never had {count} rows: {page}")


@pytest.fixture
async def reviewed(
    start_gateway: GatewayFactory, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> tuple[str, list[str]]:
    """A gateway with an in-process audit stream and three guarded requests in it, oldest
    first: grounded (gpt-4o-mini), flagged (gpt-4o-mini), grounded (gpt-4o)."""
    url = await start_gateway(upstream=upstream.url, audit={"sink": "redis"})
    ids = [
        await ask(http, url, upstream, GROUNDED),
        await ask(http, url, upstream, FLAGGED),
        await ask(http, url, upstream, GROUNDED, model="gpt-4o"),
    ]
    return url, ids


async def test_the_list_is_newest_first_with_what_a_reviewer_scans(
    reviewed: tuple[str, list[str]], http: aiohttp.ClientSession
) -> None:
    url, ids = reviewed
    async with http.get(url + "/v1/models") as response:  # a pass-through: no verdict, not listed
        assert response.status == 200
    page = await listed(http, url, 3)
    rows = page["data"]
    assert [r["request_id"] for r in rows] == ids[::-1]
    assert [r["verdict"] for r in rows] == ["pass", "flag", "pass"]
    assert [r["model"] for r in rows] == ["gpt-4o", "gpt-4o-mini", "gpt-4o-mini"]
    assert all(r["policy"].startswith("default@") for r in rows)
    assert rows[1]["support"] < 0.5 < rows[0]["support"]
    assert rows[0]["ts"] >= rows[1]["ts"] >= rows[2]["ts"]
    assert page["next"] is None  # the whole stream fit one page


async def test_filters_and_paging(
    reviewed: tuple[str, list[str]], http: aiohttp.ClientSession
) -> None:
    url, ids = reviewed
    await listed(http, url, 3)
    flagged = await listed(http, url, 1, "verdict=flag")
    assert [r["request_id"] for r in flagged["data"]] == [ids[1]]
    by_model = await listed(http, url, 1, "model=gpt-4o")
    assert [r["request_id"] for r in by_model["data"]] == [ids[2]]
    by_policy = await listed(http, url, 3, "policy=default")
    assert len(by_policy["data"]) == 3
    assert (await listed(http, url, 0, "policy=strict"))["data"] == []
    first = await listed(http, url, 2, "limit=2")
    assert [r["request_id"] for r in first["data"]] == [ids[2], ids[1]]
    assert first["next"] == first["data"][-1]["id"]
    second = await listed(http, url, 1, f"limit=2&before={first['next']}")
    assert [r["request_id"] for r in second["data"]] == [ids[0]]
    assert second["next"] is None
    for bad in ("limit=0", "limit=x", "before=nope"):
        async with http.get(f"{url}/ui/api/requests?{bad}") as response:
            assert response.status == 400
            assert (await response.json())["error"]["code"] == "groundrail_bad_request"


async def test_one_request_carries_claims_spans_and_evidence(
    reviewed: tuple[str, list[str]], http: aiohttp.ClientSession
) -> None:
    url, _ = reviewed
    row = (await listed(http, url, 1, "verdict=flag"))["data"][0]
    async with http.get(f"{url}/ui/api/requests/{row['id']}") as response:
        assert response.status == 200
        detail = await response.json()
    assert detail["row"] == row
    record = detail["record"]
    assert record["answer"] == FLAGGED
    claims = record["groundrail"]["grounding"]["claims"]
    assert claims[0]["label"] == "supported"
    assert claims[1]["label"] in ("unsupported", "contradicted")
    for claim in claims:  # spans point into the answer the page highlights
        assert FLAGGED[claim["start"] : claim["end"]] == claim["text"]
        assert claim["driver"] and isinstance(claim["score"], float)
    # evidence survives PII redaction, redacted itself
    evidence = claims[0]["evidence"]
    assert evidence["doc_id"] == "ctx-0" and "1793" in evidence["text"]
    assert "ana@louvre.fr" not in str(record)
    for missing in ("1-0", "nope", "99999999999999-0"):
        async with http.get(f"{url}/ui/api/requests/{missing}") as response:
            assert response.status == 404


async def test_viewing_adds_nothing_to_the_audit_stream_and_nothing_goes_upstream(
    reviewed: tuple[str, list[str]], http: aiohttp.ClientSession, upstream: FakeUpstream
) -> None:
    url, _ = reviewed
    await listed(http, url, 3)
    seen = len(upstream.requests)
    for path in ("/ui/", "/ui/api/session", "/ui/api/requests", "/ui/api/charts/verdicts.svg"):
        async with http.get(url + path) as response:
            assert response.status == 200
    await asyncio.sleep(0.2)
    assert len((await listed(http, url, 3))["data"]) == 3
    assert len(upstream.requests) == seen


async def test_security_headers_on_every_page_response(
    reviewed: tuple[str, list[str]], http: aiohttp.ClientSession
) -> None:
    url, _ = reviewed
    async with http.get(url + "/ui", allow_redirects=False) as response:
        assert (response.status, response.headers["Location"]) == (302, "/ui/")
    for method, path in (
        ("GET", "/ui/"),
        ("GET", "/ui/static/review.js"),
        ("GET", "/ui/api/requests"),
        ("GET", "/ui/static/nothing.js"),
        ("GET", "/ui/api/nothing"),
        ("POST", "/ui/api/requests"),
    ):
        async with http.request(method, url + path) as response:
            csp = response.headers["Content-Security-Policy"]
            assert "default-src 'none'" in csp and "script-src 'self'" in csp
            assert "unsafe-inline" not in csp
            assert response.headers["X-Content-Type-Options"] == "nosniff"
    async with http.get(url + "/ui/") as response:
        page = await response.text()
    assert "<script src=" in page and "<script>" not in page  # no inline script
    assert "http://" not in page and "https://" not in page  # nothing from elsewhere


async def test_keys_scope_the_api_to_a_tenant(
    start_gateway: GatewayFactory, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    url = await start_gateway(upstream=upstream.url, audit={"sink": "redis"}, keys=KEYS)
    acme = await ask(http, url, upstream, FLAGGED, key="sk-acme")
    zeta = await ask(http, url, upstream, GROUNDED, key="sk-zeta")
    everyone = await listed(http, url, 2)
    assert [r["request_id"] for r in everyone["data"]] == [zeta, acme]
    assert [r["tenant"] for r in everyone["data"]] == ["zeta", "acme"]
    own = await listed(http, url, 1, "tenant=zeta", key="sk-acme")  # a tenant sees its own only
    assert [r["request_id"] for r in own["data"]] == [acme]
    zeta_row = everyone["data"][0]["id"]
    for key, status in (("sk-acme", 404), ("sk-zeta", 200), ("sk-admin", 200)):
        async with http.get(
            f"{url}/ui/api/requests/{zeta_row}", headers={"Authorization": f"Bearer {key}"}
        ) as response:
            assert response.status == status
    for headers in ({}, {"Authorization": "Bearer sk-wrong"}):
        async with http.get(url + "/ui/api/requests", headers=headers) as response:
            assert response.status == 401
            assert (await response.json())["error"]["code"] == "invalid_api_key"
    async with http.get(url + "/ui/") as response:  # the page itself holds no data
        assert response.status == 200


async def test_without_keys_only_loopback_reaches_the_page(
    start_gateway: GatewayFactory, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    url = await start_gateway(upstream=upstream.url, audit={"sink": "redis"})
    async with http.get(url + "/ui/api/session") as response:
        assert response.status == 200
        assert await response.json() == {"tenant": None, "audit": True, "sink": "redis"}
    # a page on another site whose name resolves to 127.0.0.1 (DNS rebinding)
    async with http.get(url + "/ui/", headers={"Host": "evil.example:80"}) as response:
        assert response.status == 403
        assert (await response.json())["error"]["code"] == "groundrail_ui_loopback_only"
    for remote, allowed in (("10.1.2.3", False), ("127.0.0.1", True), ("::1", True)):
        request = make_mocked_request(
            "GET", "/ui/", headers={"Host": "localhost:8080"}, transport=_peer(remote)
        )
        assert ui.is_loopback(request) is allowed


def _peer(address: str) -> Any:
    class Transport:
        def get_extra_info(self, name: str, default: Any = None) -> Any:
            return (address, 40000) if name == "peername" else default

    return Transport()


async def test_no_audit_stream_says_so(
    start_gateway: GatewayFactory, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    url = await start_gateway(upstream=upstream.url, audit={"sink": "stdout"})
    async with http.get(url + "/ui/api/session") as response:
        assert (await response.json())["audit"] is False
    async with http.get(url + "/ui/api/requests") as response:
        assert (await response.json())["data"] == []


async def test_charts_draw_what_the_stream_holds(
    reviewed: tuple[str, list[str]], http: aiohttp.ClientSession
) -> None:
    url, _ = reviewed
    await listed(http, url, 3)
    svg = "{http://www.w3.org/2000/svg}"
    async with http.get(url + "/ui/api/charts/verdicts.svg") as response:
        assert response.content_type == "image/svg+xml"
        tree = ElementTree.fromstring(await response.text())
    tips = [t.text or "" for t in tree.iter(svg + "title")]
    assert any(t.endswith(": 2 pass") for t in tips) and any(t.endswith(": 1 flag") for t in tips)
    async with http.get(url + "/ui/api/charts/support.svg") as response:
        tree = ElementTree.fromstring(await response.text())
    tips = [t.text or "" for t in tree.iter(svg + "title")]
    bars = [t for t in tips if t.startswith("default: ")]
    assert sum(int(t.split()[1]) for t in bars) == 3  # every answer in one bin of its policy
    async with http.get(url + "/ui/api/charts/support.svg?window_seconds=-1") as response:
        assert response.status == 400


async def test_the_list_reads_a_redis_stream(
    start_gateway: GatewayFactory,
    upstream: FakeUpstream,
    http: aiohttp.ClientSession,
    redis_server: RedisServer,
) -> None:
    url = await start_gateway(
        upstream=upstream.url,
        redis_url=redis_server.url,
        audit={"sink": "redis"},
        cache={"timeout_ms": 5000},  # a busy test machine is not a Redis outage
    )
    ids = [await ask(http, url, upstream, a) for a in (GROUNDED, FLAGGED, GROUNDED)]
    await listed(http, url, 3)  # all three written
    first = await listed(http, url, 2, "limit=2")
    second = await listed(http, url, 1, f"limit=2&before={first['next']}")
    assert [r["request_id"] for r in first["data"] + second["data"]] == ids[::-1]
    async with http.get(f"{url}/ui/api/requests/{first['data'][1]['id']}") as response:
        assert (await response.json())["record"]["answer"] == FLAGGED


async def test_spans_follow_the_redacted_answer(
    start_gateway: GatewayFactory,
    upstream: FakeUpstream,
    http: aiohttp.ClientSession,
    tmp_path: Path,
) -> None:
    """PII in the answer is redacted in the audit record; claim and finding spans move with it,
    so the page highlights the right words."""
    (tmp_path / "p.yaml").write_text(
        "name: default\nrules:\n"
        "  - {name: grounded, kind: grounding, on_unsupported: rewrite,"
        " on_contradiction: rewrite}\n"
        "  - {name: no-pii, kind: pii}\n"
    )
    url = await start_gateway(upstream=upstream.url, policies=tmp_path, audit={"sink": "redis"})
    answer = "Mail ana@louvre.fr or call +33 1 40 20 50 50 for tours. " + FLAGGED
    await ask(http, url, upstream, answer)
    row = (await listed(http, url, 1))["data"][0]
    async with http.get(f"{url}/ui/api/requests/{row['id']}") as response:
        record = (await response.json())["record"]
    judged = record["original_answer"]
    assert judged.startswith("Mail [REDACTED:email] or call [REDACTED:phone] for tours. ")
    grounding = record["groundrail"]["grounding"]
    for claim in grounding["claims"] + grounding["skipped"]:
        assert judged[claim["start"] : claim["end"]] == claim["text"]
    pii = next(f for f in record["groundrail"]["findings"] if f["rule"] == "no-pii")
    assert [judged[s:e] for s, e in pii["spans"]] == ["[REDACTED:email]"]
    assert "Martian" not in record["answer"]  # the rewrite, beside the original


async def test_a_check_call_is_listed_with_its_grounding_verdict(
    start_gateway: GatewayFactory, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    url = await start_gateway(upstream=upstream.url, audit={"sink": "redis"})
    check = {"context": [CONTEXT], "answer": FLAGGED}
    async with http.post(url + "/v1/groundrail/check", json=check) as response:
        assert response.status == 200
    row = (await listed(http, url, 1))["data"][0]
    assert (row["route"], row["policy"]) == ("/v1/groundrail/check", "(check)")
    assert row["verdict"] in ("ungrounded", "contradicted")
    filtered = await listed(http, url, 1, f"policy=(check)&verdict={row['verdict']}")
    assert filtered["data"] == [row]


def test_chart_labels_are_escaped() -> None:
    svg = "{http://www.w3.org/2000/svg}"
    tree = ElementTree.fromstring(charts.support_chart({'<script>alert("x")</script>': [1] * 10}))
    assert not list(tree.iter(svg + "script"))
    labels = [t.text for t in tree.iter(svg + "text")]
    assert '<script>alert("x")</sc' in labels  # shown as text (cut to fit)
