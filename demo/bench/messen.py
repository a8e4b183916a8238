"""Measuring a page through Django's test client (server time: request in, response body out, no network).

Beside the total, the time spent in SQL: every `execute`/`executemany` of the request's cursors, summed through
`connection.execute_wrapper` (round trip to PostgreSQL included; psycopg2 fetches a plain cursor's rows inside
`execute`). Building model instances from the rows counts as Python time, as it is.

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


class SqlUhr:
    """Sums the duration of every SQL statement run while installed as an execute wrapper."""

    def __init__(self):
        self.sekunden = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sekunden += time.perf_counter() - start


def faktor(gesamt: float, sql: float) -> float | None:
    """Total time as a multiple of the SQL time in it (None without SQL)."""
    return round(gesamt / sql, 2) if sql > 0 else None


def messe(client, url: str, *, n: int, warmup: int, method: str = "get", data=None) -> dict:
    """Server time of one page: median and p95 over `n` requests after `warmup` ones, the median time spent in SQL
    and the ratio of the two medians (`faktor_sql`), plus its queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def anfrage():
        response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
        body(response)
        return response

    try:
        response = None
        for _ in range(warmup):
            response = anfrage()
        if response is not None and response.status_code != 200:
            return {"url": url, "status": response.status_code, "fehler": f"HTTP {response.status_code}"}
        zeiten, sql_zeiten = [], []
        uhr = SqlUhr()
        with connection.execute_wrapper(uhr):
            for _ in range(n):
                uhr.sekunden = 0.0
                start = time.perf_counter()
                response = anfrage()
                zeiten.append((time.perf_counter() - start) * 1000)
                sql_zeiten.append(uhr.sekunden * 1000)
                if response.status_code != 200:
                    return {
                        "url": url,
                        "status": response.status_code,
                        "fehler": f"HTTP {response.status_code}",
                    }
        with CaptureQueriesContext(connection) as ctx:
            anfrage()
    except Exception as exc:  # noqa: BLE001 - the test client re-raises a view's error; the run goes on
        # The traceback is on stderr (Django's request logger); the table names the error.
        return {"url": url, "status": 500, "fehler": f"HTTP 500 ({type(exc).__name__}: {exc})"[:300]}
    median_ms = round(statistics.median(zeiten), 1)
    sql_median_ms = round(statistics.median(sql_zeiten), 1)
    return {
        "url": url,
        "status": 200,
        "n": n,
        "median_ms": median_ms,
        "p95_ms": round(p95(zeiten), 1),
        "queries": len(ctx.captured_queries),
        "sql_median_ms": sql_median_ms,
        "sql_p95_ms": round(p95(sql_zeiten), 1),
        "faktor_sql": faktor(statistics.median(zeiten), statistics.median(sql_zeiten)),
    }


def url(name: str, *args, query: str = "") -> str | None:
    """The URL of a named page, or None when the app does not have it (yet)."""
    from django.urls import NoReverseMatch, reverse

    try:
        pfad = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{pfad}?{query}" if query else pfad
