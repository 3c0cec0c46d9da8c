"""What --fetch refuses: addresses inside this machine or its network, and URLs that
hold a fetch for longer than the total deadline (issue 14, item 4).

Each test starts real HTTP servers on 127.0.0.1 (one on 127.0.0.2 where a first hop
must count as public). Loopback is exactly what the policy refuses, so the tests that
want a page fetched pass allow_private=True (or --allow-private), as a user with a
server on their own machine would. Nothing here talks to any other address.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from tests.ingest.local_server import QuietHandler

from feint.config import IngestOptions
from feint.ingest import IngestReport, ingest
from feint.store import Store

pytestmark = pytest.mark.network

PAGE_TEXT = "Moscow said on Tuesday that it was ready to talk, but not about a ceasefire."
ARTICLE_PARAGRAPHS = (
    "The Kremlin said on Tuesday that Russia remained open to negotiations with Ukraine, "
    "but its spokesman told reporters in Moscow that any settlement would have to take "
    "account of what he called the realities on the ground.",
    "He said the president had not received a formal proposal for a new round of talks, "
    "and that contacts through intermediaries had not produced anything that could be "
    "described as a negotiating process.",
    "Officials in Kyiv dismissed the remarks as a familiar tactic and said that Moscow "
    "spoke of dialogue while its forces pressed an offensive in the east of the country.",
)
ARTICLE_HTML = (
    "<html><head><title>Kremlin open to talks</title></head><body><article>"
    "<h1>Kremlin open to talks</h1>"
    + "".join(f"<p>{p}</p>" for p in ARTICLE_PARAGRAPHS)
    + "</article></body></html>"
)
DRIP_LINES = 20
DRIP_INTERVAL = 0.5  # seconds between lines: the drip lasts 10 s unless cut off
HOP_DELAY = 0.4  # seconds each /hop/N waits before redirecting to the next


class _Handler(QuietHandler):
    server: _Server

    def do_GET(self) -> None:
        self.server.record(self.path)
        if self.path == "/page":
            self._send(200, "text/plain; charset=utf-8", PAGE_TEXT.encode("utf-8"))
        elif self.path == "/article":
            self._send(200, "text/html; charset=utf-8", ARTICLE_HTML.encode("utf-8"))
        elif self.path == "/drip":
            # Each line comes well inside the per-request timeout; only a total
            # deadline stops it.
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Connection", "close")
            self.end_headers()
            for i in range(DRIP_LINES):
                self.wfile.write(f"line {i} of a story that never ends\n".encode())
                self.wfile.flush()
                time.sleep(DRIP_INTERVAL)
        elif self.path.startswith("/hop/"):
            left = int(self.path.rsplit("/", 1)[1])
            time.sleep(HOP_DELAY)
            self._redirect(f"/hop/{left - 1}" if left > 0 else "/page")
        elif self.path.startswith("/to?"):
            self._redirect(self.path[len("/to?") :])
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str) -> None:
        super().__init__((host, 0), _Handler)
        self.hits: list[str] = []
        self._lock = threading.Lock()

    def record(self, path: str) -> None:
        with self._lock:
            self.hits.append(path)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gives up closes the socket under the drip


@pytest.fixture
def serve() -> Iterator[Any]:
    """Start servers on demand: ``serve("127.0.0.1")`` -> (server, base URL)."""
    running: list[tuple[_Server, threading.Thread]] = []

    def start(host: str = "127.0.0.1") -> tuple[_Server, str]:
        server = _Server(host)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        running.append((server, thread))
        return server, f"http://{host}:{server.server_address[1]}"

    try:
        yield start
    finally:
        for server, thread in running:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "policy.duckdb") as s:
        yield s


def _options(**kw: Any) -> IngestOptions:
    return IngestOptions(fetch=True, **{"fetch_timeout": 5.0, **kw})


def _one_rejection(report: IngestReport) -> str:
    assert report.ingested == 0, "fetched what should have been refused"
    assert len(report.rejected) == 1, report.rejected
    return report.rejected[0][1]


def _stored(store: Store) -> list[dict[str, Any]]:
    result = store.query("SELECT source_path, status, text, reason, meta FROM documents")
    rows = result.records()
    for r in rows:
        if isinstance(r["meta"], str):
            r["meta"] = json.loads(r["meta"])
    return rows


# -- the total deadline ------------------------------------------------------------


def test_slow_drip_is_cut_off_at_the_deadline(serve: Any, db: Store) -> None:
    _, base = serve()
    url = f"{base}/drip"
    started = time.monotonic()
    report = ingest(db, [url], _options(fetch_timeout=1.0, fetch_deadline=1.5, allow_private=True))
    elapsed = time.monotonic() - started
    reason = _one_rejection(report)
    assert reason.startswith(url)
    assert "1.5 s" in reason
    assert "deadline" in reason
    assert "fetch_deadline" in reason  # how to raise it
    # Not a benchmark: the drip lasts 10 s, so finishing well before that shows the
    # deadline, not the end of the body, stopped the fetch.
    assert elapsed < DRIP_LINES * DRIP_INTERVAL / 2
    [row] = _stored(db)
    assert (row["status"], row["reason"]) == ("rejected", reason)


def test_the_deadline_spans_every_redirect_hop(serve: Any, db: Store) -> None:
    # Four hops of 0.4 s each: every request is well inside the timeout, the chain is not
    # inside the deadline.
    _, base = serve()
    url = f"{base}/hop/3"
    options = _options(fetch_timeout=1.0, fetch_deadline=1.0, allow_private=True)
    reason = _one_rejection(ingest(db, [url], options))
    assert reason.startswith(url)
    assert "deadline" in reason


def test_a_fetch_inside_the_deadline_is_stored(serve: Any, db: Store) -> None:
    _, base = serve()
    options = _options(fetch_timeout=1.0, fetch_deadline=5.0, allow_private=True)
    report = ingest(db, [f"{base}/hop/1"], options)
    assert report.ok, report.rejected
    [row] = _stored(db)
    assert row["text"] == PAGE_TEXT


# -- addresses: each loopback spelling is refused without the flag ------------------

# (host as written in the URL, the address class the reason must name)
LOOPBACK_FORMS = [
    ("127.0.0.1", "loopback"),
    ("0x7f000001", "loopback"),
    ("2130706433", "loopback"),
    ("127.1", "loopback"),
    ("localhost", "loopback"),
    ("[::ffff:127.0.0.1]", "loopback"),
    ("0.0.0.0", "unspecified"),
]


@pytest.mark.parametrize(("host", "kind"), LOOPBACK_FORMS)
def test_loopback_in_any_spelling_is_refused(serve: Any, db: Store, host: str, kind: str) -> None:
    server, _ = serve()
    url = f"http://{host}:{server.server_address[1]}/page"
    reason = _one_rejection(ingest(db, [url], _options()))
    assert reason.startswith(url)
    assert f"{kind} address" in reason
    assert "--allow-private" in reason
    assert server.hits == []  # refused before a byte was sent


@pytest.mark.parametrize(("host", "kind"), LOOPBACK_FORMS)
def test_loopback_in_any_spelling_is_fetched_with_allow_private(
    serve: Any, db: Store, host: str, kind: str
) -> None:
    server, _ = serve()
    url = f"http://{host}:{server.server_address[1]}/page"
    report = ingest(db, [url], _options(allow_private=True))
    assert report.ok, report.rejected
    [row] = _stored(db)
    assert row["text"] == PAGE_TEXT
    assert server.hits == ["/page"]


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fd00::1", "private"),
        ("169.254.169.254", "link-local"),  # the cloud metadata service
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-public"),  # carrier-grade NAT: not global, not "private"
        ("93.184.215.14", None),
        ("8.8.8.8", None),
        ("2606:4700::1111", None),
    ],
)
def test_address_classes(address: str, kind: str | None) -> None:
    from feint.ingest.fetch import address_class

    assert address_class(address) == kind


# -- redirects are checked hop by hop ----------------------------------------------


def test_redirect_from_a_public_address_to_loopback_is_refused(
    serve: Any, db: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first hop is allowed (127.0.0.2 stands in for a public server), the second,
    to 127.0.0.1, is not, and the loopback server never sees the request."""
    import feint.ingest.fetch as fetch_module

    inner, inner_base = serve("127.0.0.1")
    outer, outer_base = serve("127.0.0.2")
    real = fetch_module.address_class
    monkeypatch.setattr(
        fetch_module, "address_class", lambda a: None if a == "127.0.0.2" else real(a)
    )
    url = f"{outer_base}/to?{inner_base}/page"
    reason = _one_rejection(ingest(db, [url], _options()))
    assert reason.startswith(url)
    assert f"redirected to {inner_base}/page" in reason
    assert "loopback address" in reason
    assert "--allow-private" in reason
    assert outer.hits == [f"/to?{inner_base}/page"]
    assert inner.hits == []


def test_redirect_to_loopback_is_followed_with_allow_private(serve: Any, db: Store) -> None:
    inner, inner_base = serve("127.0.0.1")
    _, outer_base = serve("127.0.0.2")
    report = ingest(db, [f"{outer_base}/to?{inner_base}/page"], _options(allow_private=True))
    assert report.ok, report.rejected
    assert inner.hits == ["/page"]


# -- a feed's links ----------------------------------------------------------------


def _feed(link: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link>
  <description>Wire</description>
  <item><title>With a summary</title><link>{link}</link><guid>a</guid>
    <description>Short teaser about talks.</description></item>
  <item><title>Without a summary</title><link>{link}</link><guid>b</guid></item>
</channel></rss>
"""


def test_feed_links_to_loopback_are_not_fetched(serve: Any, tmp_path: Path) -> None:
    server, base = serve()
    feed = tmp_path / "wire.rss"
    feed.write_text(_feed(f"{base}/article"), "utf-8")
    with Store.open(tmp_path / "feed.duckdb") as store:
        report = ingest(store, [str(feed)], _options())
        rows = {r["source_path"].rsplit("#", 1)[1]: r for r in _stored(store)}
    assert server.hits == []
    assert report.ingested == 1
    # The entry with a summary falls back to it, and keeps why the page was not read.
    assert rows["a"]["status"] == "ok"
    assert rows["a"]["text"] == "Short teaser about talks."
    assert "loopback address" in rows["a"]["meta"]["fetch_error"]
    assert "--allow-private" in rows["a"]["meta"]["fetch_error"]
    # The entry without one is rejected, and its reason says why the page was not read.
    assert rows["b"]["status"] == "rejected"
    assert "loopback address" in rows["b"]["reason"]
    assert "--allow-private" in rows["b"]["reason"]


def test_feed_links_to_loopback_are_fetched_with_allow_private(serve: Any, tmp_path: Path) -> None:
    server, base = serve()
    feed = tmp_path / "wire.rss"
    feed.write_text(_feed(f"{base}/article"), "utf-8")
    with Store.open(tmp_path / "feed.duckdb") as store:
        report = ingest(store, [str(feed)], _options(allow_private=True))
        rows = _stored(store)
    assert server.hits == ["/article", "/article"]
    assert report.ok, report.rejected
    # Both entries are the same page: one document, the other a duplicate of it.
    assert report.ingested == 1
    [stored] = [r for r in rows if r["status"] == "ok"]
    assert ARTICLE_PARAGRAPHS[0] in stored["text"]


# -- the command line --------------------------------------------------------------


def _feint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "feint", *args], capture_output=True, text=True, timeout=60
    )


def test_cli_refuses_loopback_unless_allow_private(serve: Any, tmp_path: Path) -> None:
    server, base = serve()
    url = f"{base}/page"
    db_path = str(tmp_path / "cli.duckdb")
    refused = _feint("ingest", url, "--fetch", "--db", db_path)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    message = " ".join(refused.stderr.split())
    assert url in message
    assert "loopback address" in message
    assert "--allow-private" in message
    assert server.hits == []

    fetched = _feint("ingest", url, "--fetch", "--allow-private", "--db", db_path)
    assert fetched.returncode == 0, fetched.stdout + fetched.stderr
    assert server.hits == ["/page"]


def test_config_allow_private_and_fetch_deadline(serve: Any, tmp_path: Path) -> None:
    server, base = serve()
    config = tmp_path / "feint.toml"
    config.write_text("[ingest]\nallow_private = true\nfetch_deadline = 10.0\n", "utf-8")
    done = _feint(
        "ingest", f"{base}/page", "--fetch", "--db", str(tmp_path / "c.duckdb"),
        "--config", str(config),
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert server.hits == ["/page"]
