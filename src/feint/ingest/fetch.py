"""Fetching http(s) URLs, only when the user asks (--fetch).

Bounded on every side: a timeout per request, a cap on redirects, a cap on bytes
read (the body is streamed and cut off), and only the http and https schemes.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from feint.config import IngestOptions
from feint.errors import InputRejected


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched response body with where it came from."""

    url: str
    content_type: str
    data: bytes


def is_url(value: str) -> bool:
    """True for strings that look like a URL with a scheme (http://, ftp://, ...)."""
    scheme = urlsplit(value).scheme
    return len(scheme) > 1 and "://" in value


def check_scheme(url: str) -> None:
    """Refuse anything but http and https."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise InputRejected(
            f"{url}: the {scheme!r} scheme is not fetched; feint fetches only http and "
            "https URLs (download the file and give its path instead)"
        )


def make_client(options: IngestOptions) -> httpx.Client:
    """One client for a batch: connection reuse, bounded redirects, timeouts."""
    return httpx.Client(
        follow_redirects=True,
        max_redirects=options.max_redirects,
        timeout=httpx.Timeout(options.fetch_timeout),
        headers={"User-Agent": options.user_agent},
    )


def fetch(client: httpx.Client, url: str, max_bytes: int) -> Fetched:
    """GET ``url`` and return its body, at most ``max_bytes`` of it.

    Raises:
        InputRejected: bad scheme, network error, HTTP error status, or a body
            over the limit.
    """
    check_scheme(url)
    try:
        with client.stream("GET", url) as response:
            check_scheme(str(response.url))
            if response.status_code >= 400:
                raise InputRejected(
                    f"{url}: the server answered HTTP {response.status_code}; check the address"
                )
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise InputRejected(_too_large(url, int(declared), max_bytes))
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise InputRejected(_too_large(url, size, max_bytes))
                chunks.append(chunk)
            return Fetched(
                str(response.url),
                response.headers.get("content-type", "").split(";")[0].strip().lower(),
                b"".join(chunks),
            )
    except httpx.TooManyRedirects as e:
        raise InputRejected(
            f"{url}: more than {client.max_redirects} redirects; open it in a browser to "
            "see where it leads and give the final address"
        ) from e
    except httpx.TimeoutException as e:
        raise InputRejected(
            f"{url}: timed out; the server may be slow or unreachable (raise "
            "fetch_timeout in the config, or try later)"
        ) from e
    except httpx.HTTPError as e:
        raise InputRejected(
            f"{url}: could not be fetched ({type(e).__name__}: {e}); check the address "
            "and the network connection"
        ) from e


def _too_large(url: str, size: int, limit: int) -> str:
    return (
        f"{url}: the response is over the size limit ({size:,} > {limit:,} bytes); "
        "raise --max-bytes if it is really an article"
    )
