"""The crawl's own rules on small pieces of text: what a page's text is, which links
are followed, and when English catalogue text counts as untranslated."""

from pathlib import Path

from tests.crawl.catalogue import Msg, po_messages, probes, untranslated
from tests.crawl.crawler import parse_page, same_origin_path
from tests.crawl.page_policy import inline_code, policy_faults
from tests.crawl.test_crawl import CATALOGUE, ENDONYMS

PAGE = """<html lang="vi"><head><title>Trang</title><style>.x{}</style></head><body>
<a href="/reviews/">Thẩm định</a> <a href="https://example.org/">Ngoài</a>
<script>var label = "Save draft";</script>
<input type="submit" value="Lưu"> <input name="q" placeholder="Tìm kiếm">
<button aria-label="Đóng">×</button>
<select><option lang="en">English words here</option></select>
<p>Tỉ lệ&nbsp;a/b: <strong>39,5 %</strong></p></body></html>"""


def test_page_text_is_what_a_person_reads():
    links, text = parse_page(PAGE)
    assert links == ["/reviews/", "https://example.org/"]
    lines = text.splitlines()
    assert {"Trang", "Thẩm định", "Lưu", "Tìm kiếm", "Đóng", "39,5 %"} <= set(lines)
    assert "Tỉ lệ a/b:" in lines
    assert "Save draft" not in text and ".x{}" not in text
    assert "English words here" not in text  # marked as another language


def test_only_links_on_this_site_are_followed():
    base = "/assessments/5/verify/"
    assert same_origin_path(base, "../threads/#c3") == "/assessments/5/threads/"
    assert same_origin_path(base, "?page=2") == "/assessments/5/verify/?page=2"
    assert same_origin_path(base, "http://testserver/x/") == "/x/"
    for elsewhere in ("https://example.org/", "//cdn.example.org/a.js", "mailto:a@b"):
        assert same_origin_path(base, elsewhere) is None
    assert same_origin_path(base, "#top") is None


def test_catalogue_entries_are_read_with_plurals_and_fuzzy_flags(tmp_path: Path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: vi\\n"\n\n'
        'msgid "Open items"\nmsgstr "Mục còn mở"\n\n'
        '#, fuzzy, python-format\nmsgid "Saved by %(who)s"\nmsgstr "Đã lưu"\n'
        'msgid "%(n)s unit"\nmsgid_plural "%(n)s "\n"units"\n'
        'msgstr[0] "%(n)s đơn vị"\n',
        encoding="utf-8",
    )
    assert po_messages(po) == [
        Msg("Open items", "Mục còn mở", False),
        Msg("Saved by %(who)s", "Đã lưu", True),
        Msg("%(n)s unit", "%(n)s đơn vị", False),
        Msg("%(n)s units", "%(n)s đơn vị", False),
    ]


def _found(text: str, *messages: Msg) -> list[str]:
    return untranslated(text, probes(list(messages)), ENDONYMS)


def test_english_msgids_are_found_with_their_placeholders_filled():
    saved = Msg("Saved by %(who)s at %(time)s", "Đã lưu bởi %(who)s", False)
    assert _found("Ghi chú\nSaved by Lan at 10:05\n", saved) == [saved.msgid]
    assert _found("Đã lưu bởi Lan", saved) == []
    assert _found("open items left", Msg("Open items", "Mục còn mở", False))
    assert not _found("Open itemsets", Msg("Open items", "Mục còn mở", False))


def test_what_proves_nothing_is_not_counted():
    same = Msg("Email", "Email", False)
    short = Msg("All", "Tất cả", False)
    acronym = Msg("ANNEX", "PHỤ LỤC", False)
    kept = Msg("Excel", "Bảng tính", False)  # ...and kept in another translation:
    download = Msg("Download (Excel)", "Tải tệp Excel", False)
    draft = Msg("Draft", "Bản nháp", False)
    text = "Email\nAll\nANNEX\nExcel\nDraft\n"
    assert _found(text, same, short, acronym, kept, download, draft) == ["Draft"]
    # A single word counts as a whole piece of text, not inside a sentence.
    link = Msg("link", "đường dẫn", False)
    assert _found("Đường link Cổng TTĐT", link) == []
    assert _found("Link:", link) == ["link"]
    assert _found("English", Msg("English", "Tiếng Anh", False)) == []


def test_the_real_catalogue_finds_an_english_menu():
    catalogue = probes(po_messages(CATALOGUE))
    _links, text = parse_page(
        '<nav><a href="/">Assessments</a><a href="/audit/">Audit trail</a></nav>'
    )
    assert {"Assessments", "Audit trail"} <= set(
        untranslated(text, catalogue, ENDONYMS)
    )
    _links, text = parse_page('<nav><a href="/">Đánh giá</a></nav>')
    assert untranslated(text, catalogue, ENDONYMS) == []


def test_script_and_style_written_into_a_page_are_found():
    html = """<html><head><style>p{}</style>
    <script src="/static/js/a.js"></script>
    <script type="application/json" id="d">{"a": 1}</script>
    <script>go();</script></head><body>
    <button onclick="window.print()">In</button> <a href="javascript:go()">x</a>
    <progress value="3" max="9"></progress><span style="width: 5%"></span>
    <svg><path fill="#fff" style="stroke: #000"/></svg></body></html>"""
    assert inline_code(html) == [
        "<style> element",
        "<script>go();</script>",
        "<button onclick=…>",
        '<a href="javascript:go()">',
        '<span style="width: 5%">',
        '<path style="stroke: #000">',
    ]
    assert inline_code(PAGE.replace("<style>.x{}</style>", "")) == [
        '<script>var label = "Save draft";</script>'
    ]


def test_a_lax_or_missing_policy_is_found():
    strict = (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        "img-src 'self' data:; object-src 'none'; frame-ancestors 'none'"
    )
    assert policy_faults(strict) == []
    assert policy_faults("") == ["no Content-Security-Policy header"]
    lax = strict.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    assert policy_faults(lax) == ["style-src allows 'unsafe-inline'"]
    assert policy_faults(strict.replace("; object-src 'none'", "")) == [
        "object-src is not 'none'"
    ]
