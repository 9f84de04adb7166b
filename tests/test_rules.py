"""The pattern and request rules: each fires where it should and stays silent where it should."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import ValidationError

from groundrail.grounding.windows import Document
from groundrail.rules.banned_terms import BannedTermsConfig, BannedTermsRule
from groundrail.rules.base import CheckContext, Finding
from groundrail.rules.json_schema import JsonSchemaConfig, JsonSchemaRule
from groundrail.rules.pii import PiiConfig, PiiRule
from groundrail.rules.regex import RegexConfig, RegexRule
from groundrail.rules.registry import RULES, build
from groundrail.rules.tool_failure import ToolFailureConfig, ToolFailureRule
from groundrail.rules.urls import UrlsConfig, UrlsRule


def ctx(
    request: dict[str, Any] | None = None, *docs: str, path: str = "/v1/chat/completions"
) -> CheckContext:
    documents = [Document(f"d{i}", text) for i, text in enumerate(docs)]
    return CheckContext(path=path, request=request or {}, model="m", documents=documents)


def texts(answer: str, finding: Finding) -> list[str]:
    return [answer[start:end] for start, end in finding.spans]


# --- regex -------------------------------------------------------------------------------------


def test_regex_rewrites_every_match_in_one_finding() -> None:
    rule = RegexRule(RegexConfig(name="ids", pattern=r"ACME-\d+", action="rewrite"))
    answer = "Tickets ACME-12 and ACME-345 are open; ACME-x is not a ticket."
    [finding] = rule.check(answer, ctx())
    assert texts(answer, finding) == ["ACME-12", "ACME-345"]
    assert (finding.suggested_action, finding.replacement) == ("rewrite", "[REDACTED]")
    assert (finding.rule, finding.kind) == ("ids", "regex")


def test_regex_flags_without_replacement_and_is_silent_without_match() -> None:
    rule = RegexRule(RegexConfig(name="r", pattern=r"(?i)internal only"))
    [finding] = rule.check("This is INTERNAL ONLY.", ctx())
    assert (finding.suggested_action, finding.replacement) == ("flag", None)
    assert rule.check("Nothing to see.", ctx()) == []


def test_regex_invalid_pattern_is_a_validation_error_quoting_re() -> None:
    with pytest.raises(ValidationError, match=r"'\(unclosed' is not a valid regular .*missing \)"):
        RegexConfig.model_validate({"name": "r", "kind": "regex", "pattern": "(unclosed"})


def test_regex_config_dumps_the_pattern_as_text() -> None:
    config = RegexConfig(name="r", pattern=r"\d+")
    assert config.model_dump(mode="json")["pattern"] == r"\d+"


# --- pii ---------------------------------------------------------------------------------------


def pii(answer: str, **config: Any) -> dict[str, Finding]:
    rule = PiiRule(PiiConfig(name="pii", **config))
    return {f.message.split()[1]: f for f in rule.check(answer, ctx())}


def test_pii_redacts_each_entity_type_with_count_and_never_the_value() -> None:
    answer = (
        "Write to jane.doe@example.co.uk or call +44 20 7946 0958 / (555) 123-4567. "
        "Card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00, SSN 123-45-6789, "
        "hosts 192.168.1.20 and 2001:db8::1."
    )
    found = pii(answer)
    expected = {
        "email": ["jane.doe@example.co.uk"],
        "phone": ["+44 20 7946 0958", "(555) 123-4567"],
        "credit_card": ["4111 1111 1111 1111"],
        "iban": ["DE89 3704 0044 0532 0130 00"],
        "us_ssn": ["123-45-6789"],
        "ip_address": ["192.168.1.20", "2001:db8::1"],
    }
    assert {entity: texts(answer, f) for entity, f in found.items()} == expected
    for entity, finding in found.items():
        assert finding.replacement == f"[REDACTED:{entity}]"
        assert finding.suggested_action == "rewrite"
        assert finding.message == f"{len(expected[entity])} {entity} value(s) found"
        assert not any(value in finding.message for value in expected[entity])


@pytest.mark.parametrize(
    "answer",
    [
        "Invoice date 2024-01-15, period 2019-2024, due 15.01.2024 10:30.",
        "Card 4111 1111 1111 1112 fails the Luhn check.",
        "IBAN DE89 3704 0044 0532 0130 01 fails mod 97.",
        "SSNs 000-12-3456, 666-12-3456, 912-12-3456, 123-00-4567 and 123-45-0000 are invalid.",
        "Not IPs: 10.0.0.256, 1.2.3.4.5, 10:30:45, 00:1A:2B:3C:4D:5E, std::vector.",
        "Amounts: 1.234.567.890 and order number 123456789012; call 555-1234.",
    ],
)
def test_pii_silent_on_lookalikes(answer: str) -> None:
    assert pii(answer) == {}


def test_pii_formats() -> None:
    answer = "US 555.123.4567, FR 06 12 34 56 78 and 0612345678, card 4111-1111-1111-1111 123"
    found = pii(answer)
    assert texts(answer, found["phone"]) == ["555.123.4567", "06 12 34 56 78", "0612345678"]
    assert texts(answer, found["credit_card"]) == ["4111-1111-1111-1111"]  # CVV left out
    compact = "GB82WEST12345698765432 and ::ffff:192.0.2.1"
    assert texts(compact, pii(compact)["iban"]) == ["GB82WEST12345698765432"]
    assert texts(compact, pii(compact)["ip_address"]) == ["::ffff:192.0.2.1"]


def test_pii_reports_only_the_configured_entities_and_flag_has_no_replacement() -> None:
    answer = "Mail a@b.io, card 4111111111111111."
    found = pii(answer, entities=["credit_card"], action="flag")
    assert list(found) == ["credit_card"]
    assert (found["credit_card"].suggested_action, found["credit_card"].replacement) == (
        "flag",
        None,
    )


def test_pii_unknown_entity_names_value_and_choices() -> None:
    with pytest.raises(ValidationError, match="unknown entity 'passport'; use any of: email"):
        PiiConfig.model_validate({"name": "p", "entities": ["email", "passport"]})


# --- banned terms ------------------------------------------------------------------------------


def banned(answer: str, *terms: str, **config: Any) -> list[Finding]:
    return BannedTermsRule(BannedTermsConfig(name="b", terms=list(terms), **config)).check(
        answer, ctx()
    )


def test_banned_terms_ignore_case_and_accents_and_map_spans_back() -> None:
    answer = "ﬁne Straße: the CAFÉ and the cafe\u0301 and the Café."
    strasse, cafe = banned(answer, "cafe", "STRASSE")  # in order of the first match
    assert texts(answer, cafe) == ["CAFÉ", "cafe\u0301", "Café"]
    assert texts(answer, strasse) == ["Straße"]
    assert cafe.message == "banned term 'cafe' found 3 time(s)"
    assert (cafe.suggested_action, cafe.replacement) == ("reject", None)


def test_banned_terms_match_whole_words_and_phrases() -> None:
    assert banned("A first-class passage.", "ass") == []
    answer = "Total\n  Garbage, said the ass."
    found = banned(answer, "total garbage", "ass", action="rewrite")
    assert [texts(answer, f) for f in found] == [["Total\n  Garbage"], ["ass"]]
    assert {f.replacement for f in found} == {"[REMOVED]"}


def test_banned_terms_config_errors() -> None:
    with pytest.raises(ValidationError, match="at least 1 item"):
        BannedTermsConfig.model_validate({"name": "b", "terms": []})
    with pytest.raises(ValidationError, match="term ' ' is blank"):
        BannedTermsConfig.model_validate({"name": "b", "terms": ["ok", " "]})


# --- urls --------------------------------------------------------------------------------------


def urls(answer: str, *docs: str, **config: Any) -> list[Finding]:
    return UrlsRule(UrlsConfig(name="u", **config)).check(answer, ctx(None, *docs))


def test_urls_flag_unknown_links_with_clean_spans() -> None:
    answer = (
        "See https://evil.example.net/path?q=1. Or (www.phish.io/login), and "
        "[docs](https://docs.python.org/3/) and https://en.wikipedia.org/wiki/Mercury_(planet)."
    )
    found = urls(answer, allow_domains=["python.org"])
    assert [texts(answer, f)[0] for f in found] == [
        "https://evil.example.net/path?q=1",
        "www.phish.io/login",
        "https://en.wikipedia.org/wiki/Mercury_(planet)",
    ]
    assert found[0].message == "URL not in the allow-list or the context: evil.example.net"
    assert (found[0].suggested_action, found[0].replacement) == ("flag", None)


def test_urls_allow_subdomains_but_not_lookalikes() -> None:
    answer = "https://api.Example.com/v1 and https://notexample.com and https://example.com.evil.io"
    found = urls(answer, allow_domains=["*.example.com"], action="rewrite")
    assert [texts(answer, f)[0] for f in found] == [
        "https://notexample.com",
        "https://example.com.evil.io",
    ]
    assert found[0].replacement == "[link removed]"


def test_urls_in_the_context_are_fine_ignoring_a_trailing_slash() -> None:
    doc = "Our portal (https://portal.acme.io/help/) and www.acme.io/pricing."
    answer = "Go to https://portal.acme.io/help or www.acme.io/pricing/ or https://portal.acme.io/h"
    found = urls(answer, doc)
    assert [texts(answer, f) for f in found] == [["https://portal.acme.io/h"]]
    assert len(urls(answer, doc, allow_context=False)) == 3


def test_urls_bad_domain_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match=re.escape("'https://x.com/' is not a domain name")):
        UrlsConfig.model_validate({"name": "u", "allow_domains": ["https://x.com/"]})


# --- json schema -------------------------------------------------------------------------------

SCHEMA = {
    "type": "object",
    "properties": {"items": {"type": "array", "items": {"type": "integer"}}},
    "required": ["items"],
}


def json_check(
    answer: str, request: dict[str, Any], path: str = "/v1/chat/completions"
) -> list[Finding]:
    rule = JsonSchemaRule(JsonSchemaConfig(name="j"))
    return rule.check(answer, ctx(request, path=path))


CHAT_SCHEMA = {"response_format": {"type": "json_schema", "json_schema": {"schema": SCHEMA}}}
RESPONSES_SCHEMA = {"text": {"format": {"type": "json_schema", "name": "x", "schema": SCHEMA}}}


def test_json_schema_silent_without_response_format() -> None:
    assert json_check("not json at all", {"messages": []}) == []
    assert json_check("not json", {"response_format": {"type": "text"}}) == []


def test_json_object_must_parse_and_may_be_fenced() -> None:
    request = {"response_format": {"type": "json_object"}}
    [finding] = json_check("Sure! {'a': 1}", request)
    assert finding.message.startswith("the answer is not valid JSON: ")
    assert finding.suggested_action == "reject"
    assert json_check('```json\n{"a": 1}\n```', request) == []


@pytest.mark.parametrize(
    ("request_body", "path"),
    [(CHAT_SCHEMA, "/v1/chat/completions"), (RESPONSES_SCHEMA, "/v1/responses")],
)
def test_json_schema_validates_against_the_requested_schema(
    request_body: dict[str, Any], path: str
) -> None:
    assert json_check('{"items": [1, 2]}', request_body, path) == []
    [finding] = json_check('{"items": [1, "two"]}', request_body, path)
    assert finding.message == "the answer does not match the schema at $.items[1]: " + (
        "'two' is not of type 'integer'"
    )
    [missing] = json_check("{}", request_body, path)
    assert missing.message.endswith("at $: 'items' is a required property")


# --- tool failure ------------------------------------------------------------------------------


def chat_with_tool(result: Any) -> dict[str, Any]:
    return {
        "messages": [
            {"role": "user", "content": "Weather in Oslo?"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": "get_weather"}}
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": result},
        ]
    }


def tool_check(answer: str, request: dict[str, Any]) -> list[Finding]:
    return ToolFailureRule(ToolFailureConfig(name="t")).check(answer, ctx(request))


@pytest.mark.parametrize(
    ("result", "reason"),
    [
        ('{"status": 503, "message": "upstream down"}', "HTTP 503"),
        ('{"status_code": "404"}', "HTTP 404"),
        ('{"data": null, "error": {"message": "quota exceeded"}}', "error: "),
        ("Traceback (most recent call last):\n  File ...\nKeyError: 'city'", "exception"),
        ("ValueError: unknown city", "exception"),
        ("", "empty result"),
        ("[]", "empty result"),
        (None, "empty result"),
    ],
)
def test_tool_failure_with_a_confident_answer_is_a_mismatch(result: Any, reason: str) -> None:
    [finding] = tool_check("It is 21°C and sunny in Oslo.", chat_with_tool(result))
    assert finding.message.startswith(f"confidence mismatch: tool 'get_weather' failed ({reason}")
    assert finding.message.endswith(") but the answer reports results")
    assert finding.suggested_action == "flag"


@pytest.mark.parametrize(
    "answer",
    [
        "Sorry, I couldn\u2019t get the weather right now.",
        "The weather service returned an error; please try again later.",
        "I was unable to reach the weather service.",
    ],
)
def test_tool_failure_admitted_is_fine(answer: str) -> None:
    assert tool_check(answer, chat_with_tool('{"status": 500}')) == []


def test_tool_success_and_earlier_turns_are_fine() -> None:
    ok = chat_with_tool('{"status": 200, "temp_c": 21, "errors": []}')
    assert tool_check("It is 21°C in Oslo.", ok) == []
    earlier = chat_with_tool('{"status": 500}')
    earlier["messages"].append({"role": "user", "content": "And tomorrow?"})
    assert tool_check("Tomorrow will be sunny.", earlier) == []


def test_tool_failure_in_responses_input_is_labelled() -> None:
    request = {
        "input": [
            {"role": "user", "content": "Look it up"},
            {"type": "function_call", "call_id": "c1", "name": "search", "arguments": "{}"},
            {"type": "function_call_output", "call_id": "c1", "output": "{}"},
            {"type": "function_call_output", "call_id": "c9", "output": '{"hits": [1]}'},
            {"type": "function_call_output", "call_id": "c8", "output": "Error: timeout"},
        ]
    }
    [finding] = tool_check("Here are the results: A, B and C.", request)
    assert finding.message == (
        "confidence mismatch: tool 'search' failed (empty result); "
        "tool input[4] failed (exception) but the answer reports results"
    )


# --- registry ----------------------------------------------------------------------------------


def test_registry_builds_each_kind_from_its_config() -> None:
    assert {"regex", "pii", "banned_terms", "urls", "json_schema", "tool_failure"} <= set(RULES)
    config = RULES["banned_terms"].Config.model_validate(
        {"name": "b", "kind": "banned_terms", "terms": ["x"]}
    )
    rule = build(config)
    assert isinstance(rule, BannedTermsRule)
    assert rule.name == "b"
    for kind, cls in RULES.items():
        assert cls.kind == kind


# --- text as read, deadlines, number lists ---------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        "runs took 12.45 13.02 12.88 seconds",
        "250 300 1000 ms",
        "10.99 12.99 14.99 dollars",
        "p50 p95 p99: 120 480 1250 ms",
        "batch sizes 16 32 64 128 256",
        "throughput 1 024 2 048 4 096 per second",
        "invoice INV-2023-004512",
        "depths 1200 1450 1800 metres",
        "prices $250 300 1000",
    ],
)
def test_pii_phone_ignores_lists_of_numbers(answer: str) -> None:
    assert "phone" not in pii(answer)


@pytest.mark.parametrize(
    "phone",
    ["(415) 555-0134", "+44 20 7946 0958", "01 42 68 53 00", "1-800-555-0100", "0049 89 12345678"],
)
def test_pii_phone_finds_phones_written_as_people_write_them(phone: str) -> None:
    answer = f"Call {phone} today."
    assert texts(answer, pii(answer)["phone"]) == [phone]


@pytest.mark.parametrize("data", ["pii_texts.jsonl", "pii_heldout.jsonl"])
def test_pii_precision_and_recall_on_the_labelled_texts(data: str) -> None:
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location("bench_pii", root / "bench" / "pii.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    tp, fp, fn, _ = bench.score(root / "tests" / "data" / data)
    found, missed, wrong = sum(tp.values()), sum(fn.values()), sum(fp.values())
    assert found / (found + wrong) >= 0.9 and found / (found + missed) >= 0.9


def test_pii_sees_through_invisible_characters_and_full_width_digits() -> None:
    answer = "Mail jane\u200b.doe@exa\u2060mple.com or call \uff14\uff11\uff15 555 0134."
    found = pii(answer)
    assert texts(answer, found["email"]) == ["jane\u200b.doe@exa\u2060mple.com"]
    assert texts(answer, found["phone"]) == ["\uff14\uff11\uff15 555 0134"]


def test_banned_terms_see_through_invisible_characters_and_look_alike_letters() -> None:
    for disguised in (
        "risk\u200b-free",  # zero-width space
        "r\u0456sk-fr\u0435e",  # Cyrillic i and ie
        "\uff52\uff49\uff53\uff4b-free",  # full-width letters
        "ri\u00adsk-free",  # soft hyphen
        "R\u0399SK-FR\u0395\u0395",  # Greek capital iota and epsilons
    ):
        answer = f"This fund is {disguised} for everyone."
        [finding] = banned(answer, "risk-free")
        assert texts(answer, finding) == [disguised], disguised


def test_regex_matches_the_text_as_read_and_maps_spans_back() -> None:
    rule = RegexRule(RegexConfig(name="r", pattern=r"(?i)internal use only", action="rewrite"))
    answer = "This is internal\u200b use only, sorry."
    [finding] = rule.check(answer, ctx())
    assert texts(answer, finding) == ["internal\u200b use only"]


def test_regex_stops_at_its_timeout() -> None:
    rule = RegexRule(RegexConfig(name="r", pattern=r"(a|aa)+$", timeout_ms=50))
    with pytest.raises(TimeoutError):
        rule.check("a" * 60 + "!", ctx())


@pytest.mark.parametrize(
    ("pattern", "risky"),
    [
        (r"^(\w+\s?)+$", True),
        (r"(x+x+)+y", True),
        (r"([a-z]+)*@", True),
        (r"(\d{2,})+", True),
        (r"(?i)internal use only", False),
        (r"\d+(\.\d+)?", False),
        (r"[(+]+\)", False),
        (r"(ab)+c", False),
    ],
)
def test_backtracking_risk_finds_nested_quantifiers(pattern: str, risky: bool) -> None:
    from groundrail.rules.regex import backtracking_risk

    assert (backtracking_risk(pattern) is not None) is risky
