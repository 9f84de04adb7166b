"""Server-sent events: an incremental parser for upstream streams and the encoder for ours."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True, frozen=True)
class Event:
    data: str
    event: str | None = None
    id: str | None = None
    comment: str | None = None  # a comment line (`: keep-alive`): no event, keeps the line open

    def encode(self) -> bytes:
        if self.comment is not None:
            return f":{self.comment}\n\n".encode()
        head = ""
        if self.event is not None:
            head += f"event: {self.event}\n"
        if self.id is not None:
            head += f"id: {self.id}\n"
        body = "".join(f"data: {line}\n" for line in self.data.split("\n"))
        return (head + body + "\n").encode()


class SSEParser:
    """Feed bytes as they arrive; get back every event completed so far (WHATWG rules), and
    each comment line as an event of its own (`comment` set), so that it can be relayed."""

    def __init__(self) -> None:
        self._buffer = b""
        self._data: list[str] = []
        self._event: str | None = None
        self._id: str | None = None
        self._after_cr = False

    def feed(self, chunk: bytes) -> list[Event]:
        if self._after_cr and chunk.startswith(b"\n"):
            chunk = chunk[1:]  # the \n of a \r\n split across two chunks
        self._after_cr = False
        self._buffer += chunk
        events: list[Event] = []
        while True:
            line, sep, rest = _split_line(self._buffer)
            if not sep:
                return events
            self._buffer = rest
            self._after_cr = sep == b"\r" and not rest
            event = self._line(line.decode("utf-8", errors="replace"))
            if event is not None:
                events.append(event)

    def _line(self, line: str) -> Event | None:
        if not line:
            if not self._data:
                self._event = None
                return None
            event = Event("\n".join(self._data), self._event, self._id)
            self._data, self._event = [], None
            return event
        if line.startswith(":"):
            return Event("", comment=line[1:])  # a keep-alive: relayed, never parsed
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            self._id = value
        return None


def _split_line(buffer: bytes) -> tuple[bytes, bytes, bytes]:
    """Split at the first line end: \\r\\n, \\n or \\r."""
    lf, cr = buffer.find(b"\n"), buffer.find(b"\r")
    if cr == -1 or (lf != -1 and lf < cr):
        return (buffer, b"", b"") if lf == -1 else (buffer[:lf], b"\n", buffer[lf + 1 :])
    end = cr + 2 if buffer[cr + 1 : cr + 2] == b"\n" else cr + 1
    return buffer[:cr], buffer[cr:end], buffer[end:]
