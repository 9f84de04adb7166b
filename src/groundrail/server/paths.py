"""Forwarded paths: what goes upstream is the route the gateway matched, never another one."""

from __future__ import annotations

from aiohttp import web

from groundrail.openai.errors import GatewayError

COMPLETION_ROUTES = ("/v1/chat/completions", "/v1/completions", "/v1/responses")
# an encoded slash or backslash, or a bare backslash: servers differ on whether it separates
_SEPARATORS = ("%2f", "%5c", "\\")


def check_forwardable(request: web.Request) -> None:
    """Raise unless the request's path may be forwarded as it is.

    A path the URL library on the way or the upstream would read as another one (dot
    segments, empty segments, a trailing slash, a backslash, an encoded slash) could reach a
    completion route past the guard, so it is refused with its canonical form named; so is a
    near miss of a completion route (another case, `;params`), which some servers serve as
    the route itself."""
    raw = request.rel_url.raw_path
    canonical = _canonical(request.path)
    if canonical != request.path or any(s in raw.lower() for s in _SEPARATORS):
        raise GatewayError(
            400,
            "groundrail_noncanonical_path",
            f"The path {raw!r} is not canonical (dot segments, empty segments, a trailing "
            f"slash, a backslash or an encoded slash): send it as {canonical!r}.",
        )
    loose = "/".join(segment.split(";", 1)[0] for segment in canonical.split("/")).casefold()
    if loose in COMPLETION_ROUTES and canonical != loose:
        raise GatewayError(
            404,
            "not_found",
            f"No route {raw!r} on the gateway: the completion route is {loose!r}, spelt exactly.",
        )


def _canonical(path: str) -> str:
    """The path with dot segments resolved, empty segments dropped and `\\` read as `/`."""
    segments: list[str] = []
    for segment in path.replace("\\", "/").split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment not in ("", "."):
            segments.append(segment)
    return "/" + "/".join(segments)
