"""Fetching URLs with --fetch, against a real HTTP server on 127.0.0.1.

The server is started by a module fixture on a free port and serves a news page,
an RSS feed whose entries link back to it, a 404, a redirect loop, an oversized
body and a slow page. Nothing here talks to any address but 127.0.0.1.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from tests.ingest.local_server import QuietHandler

from feint.config import IngestOptions
from feint.ingest import IngestReport, ingest
from feint.store import Store

pytestmark = pytest.mark.network

# The server is on 127.0.0.1, which feint refuses to fetch from unless told
# (tests/adversarial/test_fetch_policy.py checks the refusal).
FETCH = IngestOptions(fetch=True, fetch_timeout=5.0, allow_private=True)

ARTICLE_TITLE = "Kremlin says it is open to talks but rejects any ceasefire on Kyiv's terms"
ARTICLE_PARAGRAPHS = (
    "The Kremlin said on Tuesday that Russia remained open to negotiations with Ukraine, "
    "but its spokesman, Dmitry Peskov, told reporters in Moscow that any settlement would "
    "have to take account of what he called the realities on the ground, a phrase Kyiv "
    "has long read as a demand that it give up occupied territory.",
    "Peskov said President Vladimir Putin had not received a formal proposal for a new "
    "round of talks and that contacts through intermediaries in Turkey and the Gulf had "
    "not produced anything that could be described as a negotiating process. He declined "
    "to say whether a meeting between delegations was being prepared.",
    "Ukrainian officials dismissed the remarks as a familiar tactic. An adviser to the "
    "presidential office in Kyiv said Moscow spoke of dialogue while its forces pressed an "
    "offensive in the east, and that Ukraine would not accept a freeze that left Russian "
    "troops in place and gave them time to regroup.",
    "Western diplomats in Brussels said they saw no sign that the Kremlin had changed its "
    "aims since the failed round in Istanbul in the spring of 2022, and that the statement "
    "was aimed as much at audiences in the Global South as at Kyiv or its allies.",
)

STORY_PARAGRAPHS = {
    "1": (
        "Russia's foreign ministry said on Wednesday that it was ready to discuss a "
        "prisoner exchange with Ukraine, days after the two sides swapped the bodies of "
        "soldiers killed near the front line in the Donetsk region.",
        "A ministry spokeswoman told a briefing in Moscow that the talks would be held "
        "through the same channels as before and that the United Arab Emirates had "
        "offered to help, as it has in several earlier exchanges between the two sides.",
    ),
    "2": (
        "Ukraine's defence ministry said on Thursday that Russian forces had fired more "
        "than forty drones at energy facilities overnight, hours after the Kremlin spoke "
        "again of its readiness for dialogue with the government in Kyiv.",
        "Officials in three regions reported damage to substations and said that repair "
        "crews were working to restore power to homes and hospitals before the evening, "
        "when the demand for electricity is at its highest.",
    ),
}
MISSING_SUMMARY = (
    "The Kremlin said it had no plans for talks with Kyiv this month, and that its "
    "position on a settlement had not changed since the spring."
)


def news_page(title: str, paragraphs: tuple[str, ...], published: str) -> str:
    """A news page as a site serves it: navigation, the article, related links, footer."""
    body = "\n".join(f"      <p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>{title} | Example News</title>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta property="og:site_name" content="Example News">
    <meta property="og:type" content="article">
    <meta property="og:title" content="{title}">
    <meta property="article:published_time" content="{published}T09:30:00Z">
    <link rel="stylesheet" href="/static/site.css">
  </head>
  <body>
    <header>
      <nav>
        <a href="/">Home</a> <a href="/world">World</a> <a href="/europe">Europe</a>
        <a href="/opinion">Opinion</a> <a href="/subscribe">Subscribe</a>
      </nav>
    </header>
    <main>
      <article>
      <h1>{title}</h1>
      <p class="byline">By Anna Petrova, Moscow correspondent</p>
{body}
      </article>
      <aside>
        <h3>Related</h3>
        <ul>
          <li><a href="/markets">Markets rally on rate hopes</a></li>
          <li><a href="/weather">Heatwave expected across the south</a></li>
        </ul>
      </aside>
    </main>
    <footer>
      <p>© 2024 Example Media. All rights reserved.</p>
      <p><a href="/privacy">Privacy</a> · <a href="/terms">Terms</a></p>
    </footer>
  </body>
</html>
"""


def rss_feed(base: str) -> str:
    """An RSS 2.0 feed whose entries link to pages on the same server."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>Example News: Europe</title>
    <link>{base}/</link>
    <description>The latest from Example News</description>
    <item>
      <title>Moscow ready to discuss prisoner exchange</title>
      <link>{base}/story/1</link>
      <guid>{base}/story/1</guid>
      <pubDate>Wed, 22 May 2024 10:00:00 GMT</pubDate>
      <description>Short teaser about a prisoner exchange.</description>
    </item>
    <item>
      <title>Drones hit energy sites after Kremlin talk of dialogue</title>
      <link>{base}/story/2</link>
      <guid>{base}/story/2</guid>
      <pubDate>Thu, 23 May 2024 07:15:00 GMT</pubDate>
      <description>Short teaser about drone strikes.</description>
    </item>
    <item>
      <title>Kremlin sees no talks this month</title>
      <link>{base}/story/gone</link>
      <guid>{base}/story/gone</guid>
      <pubDate>Fri, 24 May 2024 08:00:00 GMT</pubDate>
      <description>{MISSING_SUMMARY}</description>
    </item>
  </channel>
</rss>
"""


ARTICLE_HTML = news_page(ARTICLE_TITLE, ARTICLE_PARAGRAPHS, "2024-05-21")
STORY_HTML = {
    key: news_page(f"Story {key}", paras, f"2024-05-2{int(key) + 1}")
    for key, paras in STORY_PARAGRAPHS.items()
}
BIG_SIZE = 50_000
SLOW_SECONDS = 1.5


class _Handler(QuietHandler):
    server_version = "feint-test/1.0"

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        if path in ("/article", "/old-article"):
            if path == "/old-article":
                self._redirect("/article")
            else:
                self._send(200, "text/html; charset=utf-8", ARTICLE_HTML.encode("utf-8"))
        elif path == "/feed.rss":
            self._send(200, "application/rss+xml", rss_feed(base).encode("utf-8"))
        elif path.startswith("/story/") and path[len("/story/") :] in STORY_HTML:
            page = STORY_HTML[path[len("/story/") :]]
            self._send(200, "text/html; charset=utf-8", page.encode("utf-8"))
        elif path == "/loop":
            self._redirect("/loop")
        elif path == "/big":
            self._send(200, "text/plain", b"x" * BIG_SIZE)
        elif path == "/big-undeclared":
            # No Content-Length: the client must count what it reads and stop.
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Connection", "close")
            self.end_headers()
            for _ in range(BIG_SIZE // 1000):
                self.wfile.write(b"y" * 1000)
        elif path == "/slow":
            time.sleep(SLOW_SECONDS)
            self._send(200, "text/plain", b"too late")
        else:
            self._send(404, "text/html", b"<html><body><h1>Not found</h1></body></html>")


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that time out or stop reading close the socket under us


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """``http://127.0.0.1:PORT`` of a server running for this module's tests."""
    server = _QuietServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "fetch.duckdb") as s:
        yield s


def _rows(
    store: Store, where: str = "TRUE", params: list[Any] | None = None
) -> list[dict[str, Any]]:
    result = store.query(
        "SELECT source_path, url, outlet, title, published, text, format, meta, status, "
        f"reason FROM documents WHERE {where} ORDER BY source_path",
        params,
    )
    rows = result.records()
    for r in rows:
        if isinstance(r["meta"], str):
            r["meta"] = json.loads(r["meta"])
    return rows


def _one_rejection(report: IngestReport) -> str:
    assert report.ingested == 0
    assert len(report.rejected) == 1, report.rejected
    return report.rejected[0][1]


def _free_port() -> int:
    """A port that was free a moment ago and that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


# -- an article page ---------------------------------------------------------------


def test_article_page_becomes_one_document(base_url: str, db: Store) -> None:
    url = f"{base_url}/article"
    report = ingest(db, [url], FETCH)
    assert report.ok, report.rejected
    assert (report.inputs, report.ingested, report.unchanged) == (1, 1, 0)
    assert report.formats == {"html": 1}

    [row] = _rows(db)
    assert row["status"] == "ok"
    assert row["source_path"] == url
    assert row["url"] == url
    assert row["format"] == "html"
    assert row["title"] == ARTICLE_TITLE
    assert row["published"] == date(2024, 5, 21)
    assert row["outlet"] == "Example News"
    text = row["text"]
    for paragraph in ARTICLE_PARAGRAPHS:
        assert paragraph in text
    assert len(text.split()) >= 150
    for furniture in ("Subscribe", "All rights reserved", "Markets rally", "Privacy"):
        assert furniture not in text


def test_same_url_again_adds_nothing(base_url: str, db: Store) -> None:
    url = f"{base_url}/article"
    first = ingest(db, [url], FETCH)
    assert first.ingested == 1
    again = ingest(db, [url], FETCH)
    assert (again.ingested, again.unchanged, again.duplicates, again.rejected) == (0, 1, [], [])
    assert len(_rows(db)) == 1


def test_redirect_is_followed_and_the_final_url_kept(base_url: str, db: Store) -> None:
    report = ingest(db, [f"{base_url}/old-article"], FETCH)
    assert report.ok, report.rejected
    [row] = _rows(db)
    assert row["source_path"] == f"{base_url}/old-article"
    assert row["url"] == f"{base_url}/article"
    assert ARTICLE_PARAGRAPHS[0] in row["text"]


# -- a feed whose entries link to pages --------------------------------------------


def test_feed_entries_become_the_linked_pages(base_url: str, db: Store) -> None:
    feed = f"{base_url}/feed.rss"
    report = ingest(db, [feed], FETCH)
    assert report.ok, report.rejected
    assert (report.inputs, report.ingested) == (1, 3)
    assert report.formats == {"feed": 3}

    rows = {r["url"]: r for r in _rows(db)}
    assert set(rows) == {f"{base_url}/story/{k}" for k in ("1", "2", "gone")}
    for key, paragraphs in STORY_PARAGRAPHS.items():
        row = rows[f"{base_url}/story/{key}"]
        assert row["status"] == "ok"
        assert row["format"] == "feed"
        assert row["source_path"] == f"{feed}#{base_url}/story/{key}"
        for paragraph in paragraphs:
            assert paragraph in row["text"]
        assert "Short teaser" not in row["text"]
        assert row["meta"] == {"feed": feed}
        assert "fetch_error" not in row["meta"]
    assert rows[f"{base_url}/story/1"]["published"] == date(2024, 5, 22)
    assert rows[f"{base_url}/story/2"]["published"] == date(2024, 5, 23)


def test_feed_entry_whose_page_404s_falls_back_to_its_summary(base_url: str, db: Store) -> None:
    feed = f"{base_url}/feed.rss"
    ingest(db, [feed], FETCH)
    gone = f"{base_url}/story/gone"
    [row] = _rows(db, "url = ?", [gone])
    assert row["status"] == "ok"
    assert row["text"] == MISSING_SUMMARY
    assert row["title"] == "Kremlin sees no talks this month"
    assert row["outlet"] == "Example News: Europe"
    assert row["published"] == date(2024, 5, 24)
    assert row["meta"]["feed"] == feed
    error = row["meta"]["fetch_error"]
    assert gone in error
    assert "404" in error


def test_feed_without_fetch_uses_summaries(base_url: str, tmp_path: Path) -> None:
    feed_file = tmp_path / "europe.rss"
    feed_file.write_text(rss_feed(base_url), "utf-8")
    with Store.open(tmp_path / "nofetch.duckdb") as store:
        report = ingest(store, [str(feed_file)], IngestOptions(fetch=False))
        assert report.ok, report.rejected
        rows = {r["url"]: r for r in _rows(store)}
    assert rows[f"{base_url}/story/1"]["text"] == "Short teaser about a prisoner exchange."
    assert all("fetch_error" not in r["meta"] for r in rows.values())


# -- what is refused, and why ------------------------------------------------------


def test_http_404_is_rejected_naming_the_url(base_url: str, db: Store) -> None:
    url = f"{base_url}/no-such-page"
    reason = _one_rejection(ingest(db, [url], FETCH))
    assert reason.startswith(url)
    assert "404" in reason
    [row] = _rows(db)
    assert (row["status"], row["source_path"], row["reason"]) == ("rejected", url, reason)


def test_redirect_loop_is_rejected(base_url: str, db: Store) -> None:
    url = f"{base_url}/loop"
    options = replace(FETCH, max_redirects=3)
    reason = _one_rejection(ingest(db, [url], options))
    assert reason.startswith(url)
    assert "redirects" in reason
    assert "3" in reason


@pytest.mark.parametrize("path", ["/big", "/big-undeclared"])
def test_body_over_max_bytes_is_rejected(base_url: str, db: Store, path: str) -> None:
    url = f"{base_url}{path}"
    options = replace(FETCH, max_bytes=10_000)
    reason = _one_rejection(ingest(db, [url], options))
    assert reason.startswith(url)
    assert "size limit" in reason
    assert "10,000" in reason


def test_slow_server_times_out(base_url: str, db: Store) -> None:
    url = f"{base_url}/slow"
    started = time.monotonic()
    reason = _one_rejection(ingest(db, [url], replace(FETCH, fetch_timeout=0.3)))
    assert time.monotonic() - started < SLOW_SECONDS
    assert reason.startswith(url)
    assert "timed out" in reason


def test_unreachable_url_is_rejected_and_the_batch_goes_on(base_url: str, db: Store) -> None:
    dead = f"http://127.0.0.1:{_free_port()}/"
    good = f"{base_url}/article"
    report = ingest(db, [dead, good], FETCH)
    assert (report.inputs, report.ingested) == (2, 1)
    [(source, reason)] = report.rejected
    assert source == dead
    assert reason.startswith(dead)
    assert "could not be fetched" in reason
    rows = {r["source_path"]: r for r in _rows(db)}
    assert rows[dead]["status"] == "rejected"
    assert rows[good]["status"] == "ok"
    assert ARTICLE_PARAGRAPHS[-1] in rows[good]["text"]


def test_non_http_scheme_is_refused(db: Store) -> None:
    url = "ftp://127.0.0.1/x"
    reason = _one_rejection(ingest(db, [url], FETCH))
    assert reason.startswith(url)
    assert "only http and https" in reason


def test_url_without_fetch_is_rejected_by_the_library(base_url: str, db: Store) -> None:
    url = f"{base_url}/article"
    reason = _one_rejection(ingest(db, [url], IngestOptions(fetch=False)))
    assert reason.startswith(url)
    assert "--fetch" in reason


# -- the command line --------------------------------------------------------------


def _feint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "feint", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_fetches_only_with_fetch(base_url: str, tmp_path: Path) -> None:
    url = f"{base_url}/article"
    db_path = tmp_path / "cli.duckdb"
    config = tmp_path / "feint.toml"
    config.write_text("[ingest]\nfetch_timeout = 5.0\n", "utf-8")

    refused = _feint("ingest", url, "--db", str(db_path))
    assert refused.returncode == 2, refused.stderr
    message = " ".join(refused.stderr.split())
    assert "--fetch" in message
    assert url in message
    assert not db_path.exists()

    fetched = _feint(
        "ingest", url, "--fetch", "--allow-private", "--db", str(db_path), "--config", str(config)
    )
    assert fetched.returncode == 0, fetched.stdout + fetched.stderr

    out = _feint("query", "SELECT url, title FROM documents", "--db", str(db_path), "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert len(rows) == 1
    assert rows[0]["url"] == url
    assert rows[0]["title"] == ARTICLE_TITLE


def test_cli_exits_1_when_a_url_is_rejected(base_url: str, tmp_path: Path) -> None:
    db_path = tmp_path / "cli.duckdb"
    missing = f"{base_url}/no-such-page"
    done = _feint(
        "ingest", f"{base_url}/article", missing, "--fetch", "--allow-private", "--db", str(db_path)
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert missing in " ".join(done.stderr.split())
