"""A local stand-in for the Hub's Daily Papers API, on 127.0.0.1, for tests and benchmarks.

It serves `GET /api/daily_papers?date=D&p=N&limit=M` from the days it is given, paging
like the Hub (page N of the day's list, an empty list past the end) but with a page size
capped at `page_cap` whatever the limit asked, and replays scripted faults before the
real answer: a status with headers (429 + Retry-After, 503), an HTML page sent with status
200, a JSON body cut short, a body shorter than its Content-Length. It records every
request it receives. The paper objects follow the documented shape of the API's wrappers.
"""

import contextlib
import json
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

HTML_ERROR_PAGE = (b"<!DOCTYPE html>\n<html><head><title>Hugging Face - Error</title></head>"
                   b"<body><h1>Something went wrong</h1><p>Try again later.</p></body></html>")


def hub_wrapper(arxiv_id: str, title: str, day: str, upvotes: int = 0,
                authors: tuple[str, ...] = ("Ada Lovelace", "Alan Turing"),
                summary: str | None = None) -> dict:
    """One item of /api/daily_papers as the Hub lists it: a wrapper around the paper."""
    summary = summary or f"We study {title.lower()}. Results improve on every benchmark."
    return {
        "paper": {
            "id": arxiv_id,
            "authors": [{"_id": f"{arxiv_id}-{number}", "name": name, "hidden": False}
                        for number, name in enumerate(authors)],
            "publishedAt": f"{day}T01:16:02.000Z",
            "submittedOnDailyAt": f"{day}T08:12:45.120Z",
            "title": title,
            "summary": summary,
            "upvotes": upvotes,
            "discussionId": f"d-{arxiv_id}",
            "ai_keywords": ["world models", "diffusion"],
        },
        "publishedAt": f"{day}T08:12:45.120Z",
        "title": title,
        "summary": summary,
        "thumbnail": f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/"
                     f"{arxiv_id}.png",
        "numComments": 2,
        "submittedBy": {"_id": "u1", "avatarUrl": "/avatars/u1.svg", "fullname": "AK",
                        "name": "akhaliq", "type": "user", "isPro": False},
        "isAuthorParticipating": False,
    }


@dataclass
class Fault:
    """One scripted answer served instead of the real page (once)."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    declared_length: int | None = None  # a Content-Length larger than the body: cut short
    delay_seconds: float = 0.0


def rate_limited(retry_after: int = 1) -> Fault:
    return Fault(429, {"Retry-After": str(retry_after)}, b'{"error":"rate limited"}')


def unavailable() -> Fault:
    return Fault(503, {}, b"Service Unavailable")


def html_error_page() -> Fault:
    return Fault(200, {"Content-Type": "text/html"}, HTML_ERROR_PAGE)


def json_cut_short(body: bytes) -> Fault:
    return Fault(200, {"Content-Type": "application/json"}, body[: len(body) // 2])


def connection_dropped(body: bytes) -> Fault:
    return Fault(200, {"Content-Type": "application/json"}, body[: len(body) // 2],
                 declared_length=len(body))


class HubReplay:
    """`with HubReplay() as hub: hub.days["2025-12-10"] = [hub_wrapper(...)]`; hub.url."""

    def __init__(self, page_cap: int = 100, indent: int | None = None, port: int = 0) -> None:
        self.days: dict[str, list[dict]] = {}
        self.faults: dict[tuple[str, int], list[Fault]] = defaultdict(list)
        self.delays: dict[str, float] = {}  # seconds to wait before answering a day
        self.requests: list[dict] = []
        self.page_cap = page_cap
        self.indent = indent
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def page_body(self, day: str, page: int, limit: int = 100) -> bytes:
        size = min(limit, self.page_cap)
        items = self.days.get(day, [])[page * size:(page + 1) * size]
        if self.indent is None:
            return json.dumps(items, ensure_ascii=False, separators=(",", ":")).encode()
        return json.dumps(items, ensure_ascii=False, indent=self.indent).encode()

    def requests_for(self, day: str) -> list[dict]:
        return [request for request in self.requests if request["date"] == day]

    def __enter__(self) -> "HubReplay":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self):
        replay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as separate writes: without this, Nagle's algorithm
            # and the client's delayed ACK hold every response back ~40 ms.
            disable_nagle_algorithm = True

            def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
                url = urlparse(self.path)
                query = {key: values[0] for key, values in parse_qs(url.query).items()}
                day, page = query.get("date", ""), int(query.get("p", "0"))
                replay.requests.append({"path": url.path, "date": day, "page": page,
                                        "limit": query.get("limit"),
                                        "headers": dict(self.headers.items())})
                time.sleep(replay.delays.get(day, 0.0))
                if url.path != "/api/daily_papers":
                    return self._send(Fault(404, {}, b'{"error":"Not Found"}'))
                pending = replay.faults.get((day, page))
                if pending:
                    fault = pending.pop(0)
                    time.sleep(fault.delay_seconds)
                    return self._send(fault)
                body = replay.page_body(day, page, int(query.get("limit", "100")))
                self._send(Fault(200, {"Content-Type": "application/json"}, body))

            def _send(self, fault: Fault) -> None:
                self.send_response(fault.status)
                for name, value in fault.headers.items():
                    self.send_header(name, value)
                length = fault.declared_length or len(fault.body)
                self.send_header("Content-Length", str(length))
                if fault.declared_length:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                self.wfile.write(fault.body)

            def log_message(self, *args) -> None:  # quiet: tests read hub.requests
                pass

        return Handler


def serve_recent_days(port: int = 8765) -> None:
    """Serve the last 15 days, a few papers each, until Ctrl-C: `collect` tried offline."""
    from datetime import UTC, datetime, timedelta

    today = datetime.now(UTC).date()
    replay = HubReplay(page_cap=2, port=port)
    for days_ago in range(15):
        day = (today - timedelta(days=days_ago)).isoformat()
        if (today - timedelta(days=days_ago)).weekday() < 5:  # weekends: no papers
            replay.days[day] = [
                hub_wrapper(f"{day[2:4]}{day[5:7]}.{days_ago:02d}{index:03d}",
                            f"Replayed paper {index} of {day}", day, upvotes=3 * index)
                for index in range(3)]
    with replay:
        print(f"replaying /api/daily_papers on {replay.url}; try:\n"
              f"  .venv/bin/papers-warehouse collect --endpoint {replay.url}\n"
              "Ctrl-C stops it.", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    serve_recent_days()
