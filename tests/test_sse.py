from __future__ import annotations

from groundrail.upstream.sse import Event, SSEParser

STREAM = (
    b": keep-alive\n\n"
    b'event: response.created\r\ndata: {"a":1}\r\n\r\n'
    b"data: line one\ndata: line two\n\n"
    b"id: 7\rdata: [DONE]\r\r"
)
EXPECTED = [
    Event("", comment=" keep-alive"),
    Event('{"a":1}', "response.created"),
    Event("line one\nline two"),
    Event("[DONE]", id="7"),
]


def test_events_survive_any_chunking() -> None:
    for size in (1, 2, 3, 7, 64, len(STREAM)):
        parser = SSEParser()
        events = []
        for i in range(0, len(STREAM), size):
            events += parser.feed(STREAM[i : i + size])
        assert events == EXPECTED, size


def test_encode_round_trips() -> None:
    parser = SSEParser()
    assert parser.feed(b"".join(e.encode() for e in EXPECTED)) == EXPECTED


def test_comments_come_back_as_events_and_encode_as_they_came() -> None:
    parser = SSEParser()
    events = parser.feed(b": PROCESSING\n\ndata: {}\n:keep\n\n")
    assert events == [Event("", comment=" PROCESSING"), Event("", comment="keep"), Event("{}")]
    assert events[0].encode() == b": PROCESSING\n\n"
