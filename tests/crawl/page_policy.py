"""What a page's Content-Security-Policy would refuse, read from its HTML and header.

The policy (config/settings.py) allows scripts and styles from the site's own files
only. A page breaks it with code or style written into the HTML itself: an event
handler attribute (`onclick=`), a `javascript:` link, a `style=` attribute (on HTML or
inline SVG), a `<style>` element, or a `<script>` with code in it. A `<script
type="application/json">` is data that no browser runs, and stays allowed.
"""

from __future__ import annotations

from html.parser import HTMLParser

DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
# The directives that govern scripts and styles, and what they must not allow.
UNSAFE = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:"}
STRICT = ("default-src", "script-src", "style-src")


class _InlineParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script: str | None = None  # the open <script> without src, as written

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = {name: value or "" for name, value in attrs}
        self.found += [f"<{tag} {name}=…>" for name in values if name.startswith("on")]
        if "style" in values:
            self.found.append(f'<{tag} style="{values["style"]}">')
        if values.get("href", "").strip().lower().startswith("javascript:"):
            self.found.append(f'<{tag} href="{values["href"]}">')
        if tag == "style":
            self.found.append("<style> element")
        if tag == "script" and "src" not in values:
            kind = values.get("type", "").strip().lower()
            self._script = None if kind in DATA_SCRIPT_TYPES else ""

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            code = " ".join(self._script.split())
            self.found.append(f"<script>{code[:60]}</script>")
            self._script = None


def inline_code(html: str) -> list[str]:
    """Every piece of script or style written into the page, as a short excerpt."""
    parser = _InlineParser()
    parser.feed(html)
    parser.close()
    return parser.found


def policy_faults(header: str) -> list[str]:
    """What is missing from or too lax in a Content-Security-Policy header."""
    if not header:
        return ["no Content-Security-Policy header"]
    directives = {}
    for part in header.split(";"):
        if part.strip():
            name, *sources = part.split()
            directives[name.lower()] = set(sources)
    faults = [f"no {name}" for name in STRICT if name not in directives]
    faults += [
        f"{name} allows {source}"
        for name in STRICT
        for source in sorted(directives.get(name, set()) & UNSAFE)
    ]
    faults += [
        f"{name} is not 'none'"
        for name in ("object-src", "frame-ancestors")
        if directives.get(name) != {"'none'"}
    ]
    return faults
