"""A bounded walk of the site as one signed-in person, for the crawl tests.

Starts at the home page (whose header carries the whole menu), follows every
same-origin `<a href>` with GET, and records for each page its status, the queries
it ran, the text a person reads and the links it offers. Pages that list hundreds
of similar links are sampled: at most `cap` pages per *pattern*, a pattern being the
resolved URL name, the names of the query parameters and, for a page about one
assessment or campaign, the state (and unit type) of that assessment or campaign, so
that every kind of page is opened in every state the data has.
"""

from __future__ import annotations

import os
import time
import traceback
from collections import Counter, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

# Text a person reads besides the text nodes: tooltips, placeholders, labels of
# controls that have no text of their own, and image descriptions.
TEXT_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
SILENT_TAGS = {"script", "style", "template", "noscript"}


@dataclass
class Page:
    url: str
    url_name: str
    status: int = 0
    queries: int = 0
    seconds: float = 0.0
    content_type: str = ""
    policy: str = ""  # the Content-Security-Policy header
    error: str = ""
    html: str = ""
    text: str = ""
    found_on: str = ""  # the page that linked here, and its URL name
    found_on_name: str = ""


@dataclass
class Crawl:
    pages: list[Page] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    truncated: bool = False
    seconds: float = 0.0


class _PageParser(HTMLParser):
    """Links and visible text of one HTML page."""

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.links: list[str] = []
        self.chunks: list[str] = []
        self._silent: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if tag in SILENT_TAGS or self._foreign(tag, values):
            self._silent.append(tag)
        self.chunks += [values[name] for name in TEXT_ATTRIBUTES if values.get(name)]
        if tag == "input" and values.get("type") in {"submit", "button", "reset"}:
            self.chunks.append(values.get("value", ""))

    def _foreign(self, tag: str, values: dict) -> bool:
        """Text that says it is in another language (`lang`), on purpose."""
        lang = values.get("lang", self.language)
        return tag != "html" and not lang.startswith(self.language)

    def handle_endtag(self, tag: str) -> None:
        if self._silent and self._silent[-1] == tag:
            self._silent.pop()

    def handle_data(self, data: str) -> None:
        if not self._silent:
            self.chunks.append(data)


def parse_page(html: str, language: str = "vi") -> tuple[list[str], str]:
    """The page's hrefs and the text a person reads in `language`, whitespace
    collapsed, one chunk a line."""
    parser = _PageParser(language)
    parser.feed(html)
    parser.close()
    lines = (" ".join(unescape(chunk).split()) for chunk in parser.chunks)
    return parser.links, "\n".join(line for line in lines if line)


def same_origin_path(base: str, href: str) -> str | None:
    """The path and query of a link on this site, or None for elsewhere."""
    if href.startswith(("mailto:", "tel:", "javascript:", "data:", "#")):
        return None
    parts = urlsplit(urljoin(f"http://testserver{base}", href))
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _exception_text(error: BaseException) -> str:
    """The exception and the innermost frame of the project's code that raised it."""
    text = f"{type(error).__name__}: {error}"
    own = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if "/site-packages/" not in frame.filename
    ]
    if own:
        where = os.path.relpath(own[-1].filename, settings.BASE_DIR)
        text += f" in {own[-1].name} ({where}:{own[-1].lineno})"
    return text


def _fetch(client: Client, page: Page) -> tuple[list[str], str | None]:
    """Open the page; returns its links and where it redirects to."""
    started = time.perf_counter()
    connection.queries_log.clear()  # a full log (9,000 queries) would count nothing
    try:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.url)
    except Exception as error:  # a crash the test client re-raises: a 500
        page.status, page.error = 500, _exception_text(error)
        return [], None
    finally:
        page.seconds = time.perf_counter() - started
    page.queries = len(queries)
    page.status = response.status_code
    page.content_type = response.get("Content-Type", "")
    page.policy = response.get("Content-Security-Policy", "")
    if response.streaming:
        response.close()  # a download: its status and type are enough
        return [], None
    if 300 <= page.status < 400:
        return [], response.get("Location")
    if "text/html" not in page.content_type:
        return [], None
    page.html = response.content.decode(response.charset or "utf-8")
    links, page.text = parse_page(page.html)
    return links, None


def crawl(
    client: Client,
    *,
    start: tuple[str, ...] = ("/",),
    cap: int = 1,
    variant: Callable[[str, dict], Hashable] = lambda route, kwargs: None,
    skip: Callable[[str], bool] = lambda path: False,
    max_pages: int = 400,
) -> Crawl:
    """Walk the site breadth-first from `start` (see the module's docstring)."""
    out = Crawl()
    started = time.perf_counter()
    queue = deque((url, "", "") for url in start)
    seen = {url for url in start}
    per_pattern: Counter = Counter()
    while queue:
        url, found_on, found_on_name = queue.popleft()
        path, _sep, query = url.partition("?")
        if skip(path):
            out.skipped[path] += 1
            continue
        try:
            match = resolve(path)
            url_name = match.view_name
            kind = variant(match.route, match.kwargs)
        except Resolver404:
            url_name, kind = "(unresolved)", None
        params = tuple(sorted({name for name, _v in parse_qsl(query, True)}))
        pattern = (url_name, params, kind)
        if per_pattern[pattern] >= cap:
            out.skipped[url_name] += 1
            continue
        if len(out.pages) >= max_pages:
            out.truncated = True
            break
        per_pattern[pattern] += 1
        page = Page(url, url_name, found_on=found_on, found_on_name=found_on_name)
        out.pages.append(page)
        links, location = _fetch(client, page)
        for href in [*links, *([location] if location else [])]:
            target = same_origin_path(url, href)
            if target is not None and target not in seen:
                seen.add(target)
                queue.append((target, url, url_name))
    out.seconds = time.perf_counter() - started
    return out
