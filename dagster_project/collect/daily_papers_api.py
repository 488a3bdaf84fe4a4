"""The Hub's Daily Papers API, one listing day at a time.

`GET {endpoint}/api/daily_papers?date=YYYY-MM-DD&p=N&limit=100` lists the papers added to
Daily Papers that day, page N (from 0). A server may cap the page size below the limit
asked, so a short page is not the end: pages are read until one comes back empty.

Requests go through huggingface_hub, the Hub's own client: its shared session, its headers
(token and user agent) and its `http_backoff`, which retries timeouts, dropped connections,
429 and 5xx, and waits as long as `Retry-After` or the Hub's `RateLimit` header says. One
request at a time, each with a timeout.
"""

import json
import os
from dataclasses import dataclass
from datetime import date

import httpx2
from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled
from huggingface_hub.utils import build_hf_headers, http_backoff

DEFAULT_ENDPOINT = "https://huggingface.co"
ENDPOINT_ENV = "HF_ENDPOINT"
API_PATH = "/api/daily_papers"
PAGE_SIZE = 100
# 10,000 papers in a day is far beyond any real day: a server that ignores `p` and sends
# the same papers forever is stopped here (and by the repeated-page check).
MAX_PAGES = 100
SHOWN_BYTES = 160


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: huggingface_hub's http_backoff settings, and each request's timeout."""

    max_retries: int = 5
    base_wait_seconds: float = 1.0
    max_wait_seconds: float = 8.0
    timeout_seconds: float = 30.0
    connect_timeout_seconds: float = 10.0


@dataclass(frozen=True)
class DayListing:
    """One day's listing as the server sent it: `body` is one page's bytes untouched, or the
    items of several pages joined into one JSON list, in order."""

    day: date
    body: bytes
    papers: int
    pages: int  # pages that held papers (the empty page that ended the day not counted)
    requests: int


class DayFailed(Exception):
    """This day could not be fetched (after the retries); the others may still be."""


class EndpointUnreachable(Exception):
    """No connection to the endpoint at all (no network, DNS, refused): stop the run."""


def endpoint_from(given: str | None) -> str:
    """--endpoint, else $HF_ENDPOINT, else https://huggingface.co (no trailing slash)."""
    return (given or os.environ.get(ENDPOINT_ENV) or DEFAULT_ENDPOINT).rstrip("/")


class DailyPapersApi:
    """A client of one endpoint. Built once per run: the headers are read once (HF_TOKEN or
    the token saved by `hf auth login` is sent when there is one)."""

    def __init__(self, endpoint: str, policy: RetryPolicy | None = None,
                 user_agent: str = "papers-warehouse") -> None:
        self.endpoint = endpoint
        self.policy = policy or RetryPolicy()
        self.headers = build_hf_headers(library_name=user_agent)
        self.requests = 0
        self._connected = False

    @property
    def url(self) -> str:
        return self.endpoint + API_PATH

    def fetch_day(self, day: date) -> DayListing:
        """Every page of `day`; raises DayFailed or EndpointUnreachable."""
        pages: list[bytes] = []
        papers = 0
        requests_before = self.requests
        for page in range(MAX_PAGES + 1):
            body = self._get(day, page)
            items = _json_list(body, day, page)
            if items == 0:
                break
            if pages and body == pages[-1]:
                raise DayFailed(f"page p={page} repeats page p={page - 1}: the server "
                                "ignores the page parameter")
            pages.append(body)
            papers += items
        else:
            raise DayFailed(f"more than {MAX_PAGES} pages of papers: stopped")
        if len(pages) == 1:
            whole = pages[0]
        elif not pages:
            whole = body  # the empty page as sent ("[]"): a day with no papers
        else:
            whole = b"[" + b",".join(_list_items_text(page) for page in pages) + b"]"
        return DayListing(day, whole, papers, len(pages), self.requests - requests_before)

    def _get(self, day: date, page: int) -> bytes:
        params = {"date": day.isoformat(), "p": page, "limit": PAGE_SIZE}
        # Until the endpoint has answered once, a refused connection or an unknown host
        # means "no network" or a wrong --endpoint: say so at once instead of retrying.
        retried = (httpx2.TimeoutException, httpx2.NetworkError, httpx2.RemoteProtocolError)
        if not self._connected:
            retried = (httpx2.TimeoutException, httpx2.RemoteProtocolError)
        self.requests += 1
        try:
            response = http_backoff(
                "GET", self.url, params=params, headers=self.headers,
                max_retries=self.policy.max_retries,
                base_wait_time=self.policy.base_wait_seconds,
                max_wait_time=self.policy.max_wait_seconds,
                retry_on_exceptions=retried,
                timeout=httpx2.Timeout(self.policy.timeout_seconds,
                                       connect=self.policy.connect_timeout_seconds),
            )
        except OfflineModeIsEnabled:
            raise EndpointUnreachable(f"HF_HUB_OFFLINE is set: the Hub client does not "
                                      f"connect to {self.endpoint}") from None
        except httpx2.ConnectError as error:
            raise EndpointUnreachable(f"cannot connect to {self.endpoint}: "
                                      f"{_reason(error)}") from None
        except HfHubHTTPError as error:  # a 429 or 5xx still there after the retries
            status = error.response.status_code if error.response is not None else "?"
            raise DayFailed(f"HTTP {status} after {self.policy.max_retries} retries "
                            f"(page p={page})") from None
        except httpx2.HTTPError as error:  # timeouts, dropped or truncated transfers
            raise DayFailed(f"{type(error).__name__} after {self.policy.max_retries} "
                            f"retries (page p={page}): {_reason(error)}") from None
        self._connected = True
        if response.status_code != 200:
            raise DayFailed(f"HTTP {response.status_code} {response.reason_phrase} "
                            f"(page p={page}): {first_bytes(response.content)}")
        return response.content


def _json_list(body: bytes, day: date, page: int) -> int:
    """How many items the page lists; DayFailed unless it is a JSON list (an HTML error
    page or a body cut short is never saved)."""
    try:
        value = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise DayFailed(f"page p={page} is not UTF-8 text: {first_bytes(body)}") from None
    except json.JSONDecodeError as error:
        raise DayFailed(f"page p={page} is not JSON ({error.msg} at byte {error.pos} of "
                        f"{len(body)}): {first_bytes(body)}") from None
    if not isinstance(value, list):
        raise DayFailed(f"page p={page} is JSON but not a list of papers: "
                        f"{first_bytes(body)}")
    return len(value)


def _list_items_text(page: bytes) -> bytes:
    """The text between a JSON list's brackets, as sent: joining these keeps every paper's
    bytes as the server wrote them."""
    return page.strip()[1:-1].strip()


def first_bytes(body: bytes) -> str:
    """The start of a body, readable on one line: what the server sent instead of papers."""
    if not body:
        return "(empty body)"
    text = " ".join(body[:SHOWN_BYTES].decode("utf-8", "replace").split())
    more = f"… ({len(body):,} bytes)" if len(body) > SHOWN_BYTES else ""
    return repr(text) + more


def _reason(error: Exception) -> str:
    return str(error) or type(error).__name__
