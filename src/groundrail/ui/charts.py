"""The review page's two charts as small SVG documents, drawn on the server (no script, no
library): verdicts over time as stacked bars, and the support distribution per policy as one
histogram row per policy. Every label is escaped; patterns beside the colours keep the
verdicts apart without colour."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from html import escape

# verdict -> (fill colour, pattern id or ""): the stack's order, bottom up
VERDICT_STYLES: dict[str, tuple[str, str]] = {
    "pass": ("#2e7d32", ""),
    "grounded": ("#2e7d32", ""),
    "flag": ("#f9a825", "dots"),
    "ungrounded": ("#f9a825", "dots"),
    "rewrite": ("#1565c0", "hatch"),
    "reject": ("#c62828", "cross"),
    "contradicted": ("#c62828", "cross"),
    "not_evaluated": ("#757575", "hatch"),
}
OTHER = ("#9e9e9e", "")
_PATTERNS = (
    '<defs><pattern id="dots" width="4" height="4" patternUnits="userSpaceOnUse">'
    '<circle cx="2" cy="2" r="0.9" fill="#000" opacity=".45"/></pattern>'
    '<pattern id="hatch" width="4" height="4" patternUnits="userSpaceOnUse">'
    '<path d="M0 4L4 0" stroke="#000" opacity=".45"/></pattern>'
    '<pattern id="cross" width="4" height="4" patternUnits="userSpaceOnUse">'
    '<path d="M0 0L4 4M0 4L4 0" stroke="#000" opacity=".45"/></pattern></defs>'
)
WIDTH = 640


def _svg(height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" font-family="sans-serif" font-size="11">'
        f"<title>{escape(title)}</title>{_PATTERNS}{''.join(body)}</svg>"
    )


def _bar(x: float, y: float, w: float, h: float, style: tuple[str, str], tip: str) -> str:
    colour, pattern = style
    rect = f'x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}"'
    out = f'<rect {rect} fill="{colour}"><title>{escape(tip)}</title></rect>'
    if pattern:
        out += f'<rect {rect} fill="url(#{pattern})" pointer-events="none"/>'
    return out


def verdicts_chart(counts: list[Counter[str]], start: float, window_s: float) -> str:
    """Stacked bars, one per time bucket (oldest left), with a legend of the verdicts seen."""
    height, top, bottom, left = 200, 10, 150, 40
    peak = max((sum(c.values()) for c in counts), default=0) or 1
    width = (WIDTH - left - 10) / max(1, len(counts))
    seen = sorted(
        {v for c in counts for v in c},
        key=lambda v: (list(VERDICT_STYLES).index(v) if v in VERDICT_STYLES else 99, v),
    )
    body = [
        f'<line x1="{left}" y1="{bottom}" x2="{WIDTH - 10}" y2="{bottom}" stroke="#444"/>',
        f'<text x="{left - 4}" y="{top + 8}" text-anchor="end">{peak}</text>',
        f'<text x="{left - 4}" y="{bottom}" text-anchor="end">0</text>',
    ]
    step = window_s / max(1, len(counts))
    for i, bucket in enumerate(counts):
        y = float(bottom)
        for verdict in seen:
            n = bucket.get(verdict, 0)
            if not n:
                continue
            h = (bottom - top) * n / peak
            y -= h
            when = _clock(start + i * step)
            body.append(
                _bar(
                    left + i * width + 1,
                    y,
                    width - 2,
                    h,
                    VERDICT_STYLES.get(verdict, OTHER),
                    f"{when}: {n} {verdict}",
                )
            )
    body.append(f'<text x="{left}" y="{bottom + 14}">{_clock(start)}</text>')
    body.append(f'<text x="{WIDTH - 10}" y="{bottom + 14}" text-anchor="end">now</text>')
    for j, verdict in enumerate(seen):
        x = left + j * 100
        body.append(_bar(x, bottom + 26, 12, 12, VERDICT_STYLES.get(verdict, OTHER), verdict))
        body.append(f'<text x="{x + 16}" y="{bottom + 36}">{escape(verdict)}</text>')
    return _svg(height, "Verdicts over time", body)


def support_chart(table: dict[str, list[int]]) -> str:
    """One histogram row per policy: answers by support, 0 on the left, 1 on the right."""
    row_h, left, label_h = 46, 150, 16
    height = label_h + row_h * max(1, len(table)) + 6
    body = [
        f'<text x="{left}" y="12">support 0</text>',
        f'<text x="{WIDTH - 10}" y="12" text-anchor="end">1</text>',
    ]
    if not table:
        body.append(f'<text x="{left}" y="{label_h + 24}">no answers with a support yet</text>')
    for r, (policy, bins) in enumerate(table.items()):
        base = label_h + (r + 1) * row_h
        peak = max(bins) or 1
        width = (WIDTH - left - 10) / len(bins)
        body.append(
            f'<text x="{left - 6}" y="{base - 4}" text-anchor="end">{escape(policy[:22])}</text>'
        )
        body.append(f'<line x1="{left}" y1="{base}" x2="{WIDTH - 10}" y2="{base}" stroke="#444"/>')
        for i, n in enumerate(bins):
            if not n:
                continue
            h = (row_h - 8) * n / peak
            low, high = i / len(bins), (i + 1) / len(bins)
            tip = f"{policy}: {n} answer(s) with support {low:.1f}-{high:.1f}"
            body.append(_bar(left + i * width + 1, base - h, width - 2, h, ("#455a64", ""), tip))
    return _svg(height, "Support distribution per policy", body)


def _clock(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%m-%d %H:%M UTC")
