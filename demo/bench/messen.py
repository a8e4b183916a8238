"""Measuring a page through Django's test client (server time: request in, response body out, no network).

Imported by `bench/run.py` before Django is set up, hence the imports inside the functions.
"""

from __future__ import annotations

import statistics
import time


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def p95(werte: list[float]) -> float:
    if len(werte) < 2:
        return werte[0]
    return statistics.quantiles(werte, n=20, method="inclusive")[18]


def messe(client, url: str, *, n: int, warmup: int, method: str = "get", data=None) -> dict:
    """Server time of one page: median and p95 over `n` requests after `warmup` ones, plus its queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def anfrage():
        response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
        body(response)
        return response

    response = None
    for _ in range(warmup):
        response = anfrage()
    if response is not None and response.status_code != 200:
        return {"url": url, "status": response.status_code, "fehler": f"HTTP {response.status_code}"}
    zeiten = []
    for _ in range(n):
        start = time.perf_counter()
        response = anfrage()
        zeiten.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            return {"url": url, "status": response.status_code, "fehler": f"HTTP {response.status_code}"}
    with CaptureQueriesContext(connection) as ctx:
        anfrage()
    return {
        "url": url,
        "status": 200,
        "n": n,
        "median_ms": round(statistics.median(zeiten), 1),
        "p95_ms": round(p95(zeiten), 1),
        "queries": len(ctx.captured_queries),
    }


def url(name: str, *args, query: str = "") -> str | None:
    """The URL of a named page, or None when the app does not have it (yet)."""
    from django.urls import NoReverseMatch, reverse

    try:
        pfad = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{pfad}?{query}" if query else pfad
