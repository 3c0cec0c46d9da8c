"""Fetching http(s) URLs, only when the user asks (--fetch).

Bounded on every side: a timeout per request step, a total deadline per URL, a cap
on redirects, a cap on bytes read (the body is streamed and cut off), only the http
and https schemes, and only public addresses unless ``allow_private`` is set.

The address policy lives in the connection layer (``_GuardedBackend``): the host is
resolved once, every address it resolves to is checked, and the connection goes to
an address that was checked, so a name cannot pass the check and then resolve to
127.0.0.1 at connect time (DNS rebinding by a second look-up). Redirects are
followed here, hop by hop, not by httpx, so each hop goes through the same check.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

import httpcore
import httpx

from feint.config import IngestOptions
from feint.errors import InputRejected


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched response body with where it came from."""

    url: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """What one client may do: see ``[ingest]`` in default_config.toml."""

    deadline: float
    max_redirects: int
    allow_private: bool


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


# -- the address policy ------------------------------------------------------------

REFUSED_CLASSES: Final = "loopback, private, link-local, multicast, unspecified or reserved"


def address_class(address: str) -> str | None:
    """The class of an IP address that feint does not fetch from, or None if public.

    Args:
        address: an IPv4 or IPv6 address as text (a zone like ``%eth0`` is allowed).

    Returns:
        "unspecified", "loopback", "link-local", "multicast", "reserved", "private",
        "non-public" (special-purpose ranges such as carrier-grade NAT that are not
        globally routable), or None for a global unicast address.
    """
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        # ::ffff:127.0.0.1 reaches 127.0.0.1, but is not is_loopback as IPv6.
        ip = ip.ipv4_mapped
    # The order matters: Python counts 127/8, 169.254/16, 0/8 and 240/4 as private
    # too, and the reason should name the narrower class.
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private:
        return "private"
    if not ip.is_global:
        return "non-public"
    return None


class _AddressRefused(Exception):
    """Raised inside the connection layer; ``fetch`` turns it into InputRejected.

    Private on purpose: it never leaves this module, and it must not be an httpcore
    error, which httpx would map to a generic ConnectError and lose the reason.
    """

    def __init__(self, host: str, address: str, kind: str) -> None:
        super().__init__(host, address, kind)
        self.host, self.address, self.kind = host, address, kind


class _DeadlineExpired(Exception):
    """The URL's total deadline passed in the middle of a network step."""


def resolve_checked(host: str, port: int, allow_private: bool) -> list[str]:
    """Resolve ``host`` once and return its addresses, all of them checked.

    ``socket.getaddrinfo`` does the resolution, so numeric spellings the C library
    accepts (0x7f000001, 2130706433, 127.1) come back as the address they mean.

    Raises:
        _AddressRefused: any address is not public and ``allow_private`` is off (one
            bad address is enough: which one a connection would use is not ours to
            choose).
        httpcore.ConnectError: the name does not resolve.
    """
    try:
        # The look-up itself is not bounded by the deadline: getaddrinfo takes no
        # timeout, and the resolver's own (a few seconds per server) applies.
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as e:
        raise httpcore.ConnectError(f"cannot resolve {host!r}: {e}") from e
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not allow_private:
        for address in addresses:
            kind = address_class(address)
            if kind is not None:
                raise _AddressRefused(host, address, kind)
    return addresses


# -- the deadline ------------------------------------------------------------------

# When the URL being fetched must be done (time.monotonic()), or None outside fetch().
# A context variable rather than state on the client: the client's connections are
# pooled and reused from URL to URL, and a client may be shared between threads.
_DEADLINE: ContextVar[float | None] = ContextVar("feint_fetch_deadline", default=None)


def _budget(timeout: float | None) -> tuple[float | None, bool]:
    """The timeout for one network step, cut to what is left of the deadline; and
    whether it was cut (a timeout then means the deadline passed)."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout, False
    left = deadline - time.monotonic()
    if left <= 0:
        raise _DeadlineExpired
    if timeout is None or left < timeout:
        return left, True
    return timeout, False


@contextmanager
def _within_budget(timeout: float | None) -> Iterator[float | None]:
    step, cut = _budget(timeout)
    try:
        yield step
    except httpcore.TimeoutException as e:
        if cut:
            raise _DeadlineExpired from e
        raise


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write stops at the URL's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        with _within_budget(timeout) as step:
            return self._inner.read(max_bytes, step)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        with _within_budget(timeout) as step:
            self._inner.write(buffer, step)

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        # server_hostname is the URL's host, not the address connected to, so the
        # certificate is still checked against the name.
        with _within_budget(timeout) as step:
            return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, step))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """httpcore's socket backend, with the address policy and the deadline."""

    def __init__(self, allow_private: bool) -> None:
        self._inner = httpcore.SyncBackend()
        self._allow_private = allow_private

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = resolve_checked(host, port, self._allow_private)
        error: Exception | None = None
        for address in addresses:  # connect to a checked address, never the name
            try:
                with _within_budget(timeout) as step:
                    stream = self._inner.connect_tcp(
                        address, port, step, local_address, socket_options
                    )
                return _DeadlineStream(stream)
            except httpcore.ConnectError as e:
                error = e
        raise error or httpcore.ConnectError(f"{host!r} resolves to no address")

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("feint does not fetch over Unix sockets")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over ``_GuardedBackend``.

    httpx 0.28 has no public way to give HTTPTransport a network backend, so the
    connection pool it builds is replaced by one that has ours (httpx and httpcore
    are pinned in constraints.txt; test_fetch_policy.py fails if this stops working).
    """

    def __init__(self, allow_private: bool) -> None:
        super().__init__()
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            # httpx's own defaults (httpx.Limits()), which HTTPTransport would pass
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=_GuardedBackend(allow_private),
        )


class FetchClient(httpx.Client):
    """An httpx client that carries feint's fetch policy; ``make_client`` makes one."""

    def __init__(self, policy: FetchPolicy, timeout: float, user_agent: str) -> None:
        super().__init__(
            transport=_GuardedTransport(policy.allow_private),
            follow_redirects=False,  # fetch() follows them, checking each hop
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": user_agent},
            # No proxies from the environment: a proxy would connect for us to
            # addresses the policy never saw.
            trust_env=False,
        )
        self.policy = policy


def make_client(options: IngestOptions) -> FetchClient:
    """One client for a batch: connection reuse, timeouts, the address policy."""
    policy = FetchPolicy(options.fetch_deadline, options.max_redirects, options.allow_private)
    return FetchClient(policy, options.fetch_timeout, options.user_agent)


# -- fetching ----------------------------------------------------------------------


def fetch(client: httpx.Client, url: str, max_bytes: int) -> Fetched:
    """GET ``url`` and return its body, at most ``max_bytes`` of it.

    Redirects are followed here, up to the policy's limit, each hop's scheme and
    addresses checked; the whole exchange must end within the policy's deadline.

    Args:
        client: a client from ``make_client`` (it holds the policy).
        url: an http or https URL.
        max_bytes: the most bytes of body to read.

    Raises:
        InputRejected: bad scheme, refused address, network error, HTTP error
            status, too many redirects, past the deadline, or a body over the limit.
    """
    if not isinstance(client, FetchClient):
        raise TypeError("fetch() needs a client from make_client(): it holds the fetch policy")
    policy = client.policy
    check_scheme(url)
    token = _DEADLINE.set(time.monotonic() + policy.deadline)
    hop = url
    try:
        for _ in range(policy.max_redirects + 1):
            with client.stream("GET", hop) as response:
                if not response.is_redirect:
                    return _body(response, url, max_bytes)
                hop = str(response.url.join(response.headers["location"]))
            try:
                check_scheme(hop)
            except InputRejected as e:
                raise InputRejected(f"{url}: redirected to {e}") from e
        raise InputRejected(
            f"{url}: more than {policy.max_redirects} redirects; open it in a browser to "
            "see where it leads and give the final address"
        )
    except _AddressRefused as e:
        raise InputRejected(_refused(url, hop, e)) from e
    except _DeadlineExpired as e:
        raise InputRejected(
            f"{url}: not fetched within the deadline of {policy.deadline:g} s for one URL, "
            "redirects included (the server may be sending very slowly on purpose); raise "
            "fetch_deadline in the [ingest] table of a --config file to wait longer"
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
    finally:
        _DEADLINE.reset(token)


def _body(response: httpx.Response, url: str, max_bytes: int) -> Fetched:
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


def _refused(url: str, hop: str, e: _AddressRefused) -> str:
    where = f"redirected to {hop}, whose host " if hop != url else ""
    what = (
        f"{e.host} is a {e.kind} address"
        if e.host.strip("[]") == e.address
        else f"{e.host} resolves to {e.address}, a {e.kind} address"
    )
    return (
        f"{url}: {where}{what}; feint does not fetch {REFUSED_CLASSES} addresses, so that "
        "a URL, a redirect or a feed link cannot reach into this machine or its network. "
        "If you mean to fetch it, add --allow-private (or allow_private = true in the "
        "[ingest] table of the config)"
    )


def _too_large(url: str, size: int, limit: int) -> str:
    return (
        f"{url}: the response is over the size limit ({size:,} > {limit:,} bytes); "
        "raise --max-bytes if it is really an article"
    )
