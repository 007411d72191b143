"""Text from archived captures: visible HTML text, charsets as browsers pick them, PDF pages."""

# The pages are real CJK and European prose, whose punctuation ruff would flag as look-alikes.
# ruff: noqa: RUF001

from __future__ import annotations

import codecs
import io
import logging
import time
from contextlib import closing
from pathlib import Path

import pypdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimcheck.archive import pdf as pdf_module
from claimcheck.archive.index import ArchiveIndex
from claimcheck.archive.store import LocalArchive
from claimcheck.archive.text import ExtractedText, TextKind, extract_text
from claimcheck.charsets import decode
from claimcheck.check import html as html_module
from claimcheck.check.html import PageText, page_facts, read_page
from claimcheck.models import SourceStatus
from claimcheck.pipeline import run_checks
from tests.checking import options, source
from tests.documents import make_labelled_pdf, make_pdf
from tests.servers import HostFactory
from tests.servers import html_page as served_page

ZH = (
    "自2023年12月1日起，中国对法国、德国、意大利、荷兰、西班牙和马来西亚六国持普通护照人员"
    "试行单方面免签政策。上述国家持普通护照人员来华经商、旅游观光、探亲访友和过境不超过15天，"
    "可免办签证入境。外交部发言人表示，这一举措旨在促进中外人员往来，服务高质量发展和高水平"
    "对外开放。试行期限为一年，有关部门将根据实施情况评估是否延长。"
)
KO = (
    "중국 정부는 2023년 12월 1일부터 프랑스, 독일, 이탈리아, 네덜란드, 스페인, 말레이시아 등 "
    "6개국의 일반 여권 소지자에 대해 무비자 입국을 시범적으로 허용한다고 발표했다. 이들 국가의 "
    "국민은 사업, 관광, 친척 방문 및 경유 목적으로 최대 15일까지 비자 없이 중국에 머무를 수 "
    "있다. 외교부 대변인은 이번 조치가 인적 교류를 촉진하고 대외 개방을 확대하기 위한 것이라고 "
    "설명했다. 시범 기간은 1년이며 관계 당국은 시행 결과를 평가한 뒤 연장 여부를 결정할 예정이다."
)
JA = (
    "中国政府は2023年12月1日から、フランス、ドイツ、イタリア、オランダ、スペイン、マレーシアの"
    "6か国の一般旅券所持者を対象に、ビザ免除措置を試験的に導入すると発表した。対象国の国民は、"
    "商用、観光、親族訪問、通過の目的であれば、最長15日間ビザなしで中国に滞在できる。外務省の"
    "報道官は、今回の措置は人的交流を促進し、対外開放を拡大するためのものだと説明した。試行期間は"
    "1年間で、関係当局は実施状況を評価したうえで延長するかどうかを判断する予定だ。"
)
MIXED = (
    "Ab dem 1. Dezember 2023 dürfen Bürgerinnen und Bürger aus Frankreich und Deutschland "
    "15 Tage ohne Visum nach China reisen – „visumfrei“, wie es in der Mitteilung heißt. "
    "La mesure, dite « sans visa », vaut aussi pour l’Italie. 免签政策试行一年。무비자 입국."
)
# Each page's text, the charset label it is encoded in, and the codec a browser decodes it with.
CASES = {
    "gbk": (ZH, "gb18030"),
    "euc-kr": (KO, "cp949"),
    "shift_jis": (JA, "cp932"),
    "utf-8": (MIXED, "utf-8"),
}
LABELS = list(CASES)


def html_page(paragraph: str, head: str = "", title: str = "Visa policy") -> str:
    return (
        f"<!DOCTYPE html>\n<html><head>{head}<title>{title}</title></head>\n"
        f"<body><h1>{title}</h1>\n<p>{paragraph}</p></body></html>"
    )


def meta_charset(label: str) -> str:
    return f'<meta charset="{label}">'


def page_text(markup: str) -> str | None:
    return extract_text(markup.encode("utf-8"), "text/html; charset=utf-8").text


def expected(paragraph: str, title: str = "Visa policy") -> str:
    return f"{title}\n\n{title}\n\n{paragraph}"


# HTML: what is visible --------------------------------------------------------------------


def test_scripts_styles_templates_svg_and_comments_are_dropped() -> None:
    markup = (
        "<html><head><title>T</title><style>p { color: red }</style>"
        '<script>var page = "<p>not text</p>";</script><meta name="x" content="meta"></head>'
        "<body><!-- a comment --><p>Kept</p><noscript>Enable JavaScript</noscript>"
        "<template><p>template</p></template><svg><title>icon</title><text>svg</text></svg>"
        "<iframe>fallback</iframe><script type='application/ld+json'>{}</script><p>Also kept</p>"
        "</body></html>"
    )

    assert page_text(markup) == "T\n\nKept\n\nAlso kept"


@pytest.mark.parametrize(
    "attributes",
    [
        "hidden",
        'hidden="until-found"',
        'aria-hidden="true"',
        "aria-hidden=TRUE",
        'style="display:none"',
        "style='color: red; DISPLAY : none'",
        'style="visibility: hidden"',
        'class="sr-only"',
        'class="link govuk-visually-hidden"',
    ],
)
def test_elements_hidden_by_their_attributes_are_dropped(attributes: str) -> None:
    markup = (
        f"<body><p>Kept</p><div {attributes}><p>Hidden <b>text</b></p><div>inner</div>"
        "<br>still hidden</div><p>Also kept</p></body>"
    )

    assert page_text(markup) == "Kept\n\nAlso kept"


@pytest.mark.parametrize(
    "attributes", ['aria-hidden="false"', 'style="display: block"', 'class="hidden"', ""]
)
def test_elements_not_hidden_by_their_attributes_are_kept(attributes: str) -> None:
    assert page_text(f"<div {attributes}>Shown</div>") == "Shown"


def test_a_hidden_element_hides_until_its_own_end_tag() -> None:
    markup = "<div hidden><div><span>a</span></div><img src=x>b</div><div>after</div>"

    assert page_text(markup) == "after"


def test_the_visible_text_read_along_with_the_facts_drops_hidden_elements() -> None:
    body = b"<html><body><p>Kept</p><p hidden>Gone</p><span aria-hidden=true>Gone</span></body>"

    facts = read_page(body, "text/html; charset=utf-8", anchors=True, keep=True)

    assert facts.kept is not None
    assert facts.kept.visible_text() == "Kept"


def test_title_is_the_first_line_and_later_titles_are_ignored() -> None:
    markup = (
        "<html><head><title>\n  China trials   visa-free travel\n</title></head>"
        "<body><p>Body text</p><title>Second title</title></body></html>"
    )

    assert page_text(markup) == "China trials visa-free travel\n\nBody text"


def test_page_without_a_title_starts_with_its_body() -> None:
    assert page_text("<p>Just a paragraph</p>") == "Just a paragraph"


def test_inline_elements_do_not_break_words_or_lines() -> None:
    markup = (
        "<p>vis<b>a</b>-free for <a href='/x'>six</a> <span>countries</span>"
        "<sup>1</sup>, <em>effective</em> <i>now</i></p>"
    )

    assert page_text(markup) == "visa-free for six countries1, effective now"


def test_block_elements_break_lines_and_paragraphs_are_set_apart() -> None:
    markup = (
        "<h2>Heading</h2><div>one<br>two<br/>three</div><ul><li>first</li>\n  <li>second</li>"
        "</ul><table><tr><td>cell 1</td><td>cell 2</td></tr><tr><th>cell 3</th></tr></table>"
        "<blockquote>quoted</blockquote><section><article><p>nested</p></article></section>"
    )

    assert page_text(markup) == (
        "Heading\n\none\ntwo\nthree\n\nfirst\nsecond\n\ncell 1\ncell 2\ncell 3\n\nquoted\n\nnested"
    )


def test_entities_are_decoded() -> None:
    markup = "<p>Tom&nbsp;&amp;&nbsp;Jerry &lt;3 &#8220;caf&eacute;&#x201D; &copy; &hellip;</p>"

    assert page_text(markup) == "Tom & Jerry <3 \u201ccaf\u00e9\u201d \u00a9 \u2026"


def test_whitespace_collapses_within_lines_and_blank_lines_stay_single() -> None:
    markup = (
        "\n\n<p>  A sentence\n   that the source\twraps.  </p>\n\n\n"
        "<div></div><div>\n</div><p></p><p>Next   paragraph</p>\n\n"
    )

    assert page_text(markup) == "A sentence that the source wraps.\n\nNext paragraph"


def test_preformatted_text_keeps_its_lines() -> None:
    markup = "<p>Code:</p><pre>first line\r\n  second   line\n</pre><p>after</p>"

    assert page_text(markup) == "Code:\n\nfirst line\nsecond line\n\nafter"


def test_broken_markup_still_gives_the_text() -> None:
    markup = (
        "<html><body><p>One<p>Two<div>Three</span></div></div></p>"
        "<b><i>bold italic</b></i> <p class=unquoted data-x='1'/>still here</p>"
        "<![if !IE]>conditional<![endif]> <![ malformed ]>after<li>item"
        "<p>1 < 2 and 3 <= 4 & 5</p>"
    )

    assert page_text(markup) == (
        "One\n\nTwo\nThree\n\nbold italic\n\nstill here\n\nconditional after\nitem"
        "\n\n1 < 2 and 3 <= 4 & 5"
    )


def test_a_quote_never_closed_hides_the_rest_as_in_browsers() -> None:
    assert page_text('<p>Before</p><p class="unclosed>hidden</p><p>hidden too</p>') == "Before"


def test_a_comment_never_closed_hides_the_rest_as_in_browsers() -> None:
    markup = "<p>Before</p><!-- never closed <p>hidden</p> <!x <!y"

    assert page_text(markup) == "Before"


def test_unclosed_head_elements_do_not_hide_the_body() -> None:
    markup = "<html><head><title>Title<noscript>x</head><body><p>Body text</p></body></html>"

    assert page_text(markup) == "Title\n\nBody text"


def test_hidden_elements_nested_200_000_deep_take_linear_time() -> None:
    depth = 200_000
    markup = "<body>" + "<div hidden>" * depth + "x" + "</div>" * depth + "<p>After</p></body>"

    start = time.process_time()
    text = page_text(markup)

    assert time.process_time() - start < 10  # about 1.3 s; nested lists took minutes
    assert text == "After"


def test_thousands_of_unclosed_constructs_hide_the_rest_without_rescanning_it() -> None:
    markup = "<p>Start</p>" + "<!x" * 200_000 + " never closed"

    assert page_text(markup) == "Start"


def test_empty_html_body_gives_empty_text() -> None:
    result = extract_text(b"", "text/html")

    assert result == ExtractedText(TextKind.HTML, "", "utf-8", None)


# Charsets: BOM, header, meta tag, detection ---------------------------------------------------


@pytest.mark.parametrize("label", LABELS)
def test_page_declared_only_in_the_header_decodes(label: str) -> None:
    paragraph, codec = CASES[label]
    body = html_page(paragraph).encode(label)

    result = extract_text(body, f"text/html; charset={label}")

    assert (result.text, result.charset) == (expected(paragraph), codec)


@pytest.mark.parametrize("label", LABELS)
def test_page_declared_only_in_a_meta_tag_decodes(label: str) -> None:
    paragraph, codec = CASES[label]
    body = html_page(paragraph, head=meta_charset(label)).encode(label)

    result = extract_text(body, "text/html")

    assert (result.text, result.charset) == (expected(paragraph), codec)


@pytest.mark.parametrize("label", LABELS)
def test_page_declared_in_an_http_equiv_meta_tag_decodes(label: str) -> None:
    paragraph, codec = CASES[label]
    head = f'<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset={label}">'
    body = html_page(paragraph, head=head).encode(label)

    result = extract_text(body, "text/html")

    assert (result.text, result.charset) == (expected(paragraph), codec)


@pytest.mark.parametrize("label", LABELS)
def test_undeclared_page_is_detected(label: str) -> None:
    paragraph, codec = CASES[label]
    body = html_page(paragraph).encode(label)

    result = extract_text(body, "text/html")

    assert (result.text, result.charset) == (expected(paragraph), codec)


def test_undeclared_page_is_detected_from_text_after_a_long_ascii_head() -> None:
    script = "<script>" + "var x = 1;\n" * 20_000 + "</script>"
    body = html_page(ZH, head=script).encode("gbk")

    result = extract_text(body, None)

    assert (result.text, result.charset) == (expected(ZH), "gb18030")


@pytest.mark.parametrize(
    ("paragraph", "encoding", "header", "meta", "codec"),
    [
        (ZH, "gbk", "gb2312", "shift_jis", "gb18030"),
        (KO, "euc-kr", "ks_c_5601-1987", "gbk", "cp949"),
        (JA, "shift_jis", "x-sjis", "euc-kr", "cp932"),
    ],
)
def test_header_charset_wins_over_the_meta_tag(
    paragraph: str, encoding: str, header: str, meta: str, codec: str
) -> None:
    body = html_page(paragraph, head=meta_charset(meta)).encode(encoding)

    result = extract_text(body, f'text/html; charset="{header}"')

    assert (result.text, result.charset) == (expected(paragraph), codec)


@pytest.mark.parametrize(("bom", "codec"), [("utf-8", "utf-8"), ("utf-16-le", "utf-16-le")])
def test_byte_order_mark_wins_over_header_and_meta_tag(bom: str, codec: str) -> None:
    mark = codecs.BOM_UTF8 if bom == "utf-8" else codecs.BOM_UTF16_LE
    body = mark + html_page(MIXED, head=meta_charset("shift_jis")).encode(bom)

    result = extract_text(body, "text/html; charset=gbk")

    assert (result.text, result.charset) == (expected(MIXED), codec)


def test_unknown_header_label_falls_through_to_the_meta_tag() -> None:
    body = html_page(ZH, head=meta_charset("gbk")).encode("gbk")

    result = extract_text(body, "text/html; charset=klingon")

    assert (result.text, result.charset) == (expected(ZH), "gb18030")


def test_latin1_label_decodes_as_windows_1252_like_browsers() -> None:
    body = html_page("\u201cVisa-free\u201d \u2013 caf\u00e9").encode("cp1252")

    result = extract_text(body, "text/html; charset=ISO-8859-1")

    assert (result.text, result.charset) == (
        expected("\u201cVisa-free\u201d \u2013 caf\u00e9"),
        "cp1252",
    )


def test_meta_tag_naming_utf16_is_read_as_utf8() -> None:
    body = html_page(MIXED, head=meta_charset("utf-16")).encode("utf-8")

    result = extract_text(body, "text/html")

    assert (result.text, result.charset) == (expected(MIXED), "utf-8")


def test_meta_tag_inside_a_comment_is_ignored() -> None:
    head = "<!-- <meta charset='shift_jis'> -->" + meta_charset("gbk")
    body = html_page(ZH, head=head).encode("gbk")

    assert extract_text(body, "text/html").charset == "gb18030"


def test_undecodable_bytes_are_replaced_not_raised() -> None:
    body = b"<p>caf\xc3\xa9 \xff\xfe broken</p>"

    result = extract_text(body, "text/html; charset=utf-8")

    assert result.text == "caf\u00e9 \ufffd\ufffd broken"


def test_plain_text_uses_the_header_charset() -> None:
    result = extract_text(KO.encode("euc-kr"), "text/plain; charset=euc-kr")

    assert result == ExtractedText(TextKind.PLAIN, KO, "cp949", None)


def test_undeclared_plain_text_is_detected_and_its_newlines_unified() -> None:
    body = f"{JA}\r\n{JA}\r\n".encode("shift_jis")

    result = extract_text(body, "text/plain")

    assert result == ExtractedText(TextKind.PLAIN, f"{JA}\n{JA}\n", "cp932", None)


def test_plain_text_byte_order_mark_wins_over_the_header() -> None:
    body = codecs.BOM_UTF8 + ZH.encode("utf-8")

    result = extract_text(body, "text/plain; charset=gbk")

    assert result == ExtractedText(TextKind.PLAIN, ZH, "utf-8", None)


def test_plain_text_is_not_read_for_meta_tags() -> None:
    body = ("<meta charset='shift_jis'>" + ZH).encode("gbk")

    result = extract_text(body, "text/plain")

    assert result.charset == "gb18030"


# What kind of document: Content-Type, then the bytes -----------------------------------------


@pytest.mark.parametrize("content_type", ["application/octet-stream", "binary/octet-stream", None])
def test_untyped_pdf_is_recognised_by_its_signature(content_type: str | None) -> None:
    result = extract_text(make_pdf(["Visa-free travel"]), content_type)

    assert (result.kind, result.text) == (TextKind.PDF, "Visa-free travel")


@pytest.mark.parametrize(
    "start",
    [
        "<!DOCTYPE html>",
        "\ufeff  \n<html lang='en'>",
        "<HEAD>",
        "<body class='x'>",
        "<?xml version='1.0'?>\n<!-- saved -->\n<!doctype html>",
    ],
)
@pytest.mark.parametrize("content_type", ["application/octet-stream", "binary/octet-stream", None])
def test_untyped_html_is_recognised_by_its_start(start: str, content_type: str | None) -> None:
    body = f"{start}<title>T</title><p>Visible</p>".encode()

    result = extract_text(body, content_type)

    assert (result.kind, result.text) == (TextKind.HTML, "T\n\nVisible")


def test_pdf_served_as_html_is_read_as_pdf() -> None:
    result = extract_text(make_pdf(["Visa-free travel"]), "text/html; charset=utf-8")

    assert (result.kind, result.text) == (TextKind.PDF, "Visa-free travel")


def test_html_error_page_served_as_pdf_is_read_as_html() -> None:
    body = b"<!DOCTYPE html><html><title>Not found</title><p>No such document</p></html>"

    result = extract_text(body, "application/pdf")

    assert (result.kind, result.text) == (TextKind.HTML, "Not found\n\nNo such document")


def test_html_without_a_telling_start_is_read_as_its_type_says() -> None:
    result = extract_text(b"Some text <b>bold</b><p>para</p>", "application/xhtml+xml")

    assert (result.kind, result.text) == (TextKind.HTML, "Some text bold\n\npara")


@pytest.mark.parametrize("content_type", ["text/csv", "application/json", "application/ld+json"])
def test_textual_types_are_plain_text(content_type: str) -> None:
    result = extract_text(b'{"quote": "visa-free"}', content_type)

    assert (result.kind, result.text) == (TextKind.PLAIN, '{"quote": "visa-free"}')


def test_untyped_text_is_plain_text() -> None:
    result = extract_text(b"Visa-free travel for 15 days.", "application/octet-stream")

    assert (result.kind, result.text, result.charset) == (
        TextKind.PLAIN,
        "Visa-free travel for 15 days.",
        "utf-8",
    )


@pytest.mark.parametrize("content_type", ["image/png", "audio/mpeg", "application/zip"])
def test_images_audio_and_archives_have_no_text(content_type: str) -> None:
    body = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))

    result = extract_text(body, f"{content_type}; name=x")

    assert result == ExtractedText(TextKind.NONE, None, None, f"{content_type} has no text")


def test_untyped_binary_has_no_text() -> None:
    result = extract_text(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), None)

    assert (result.kind, result.text) == (TextKind.NONE, None)
    assert result.problem == "binary bytes without a telling Content-Type have no text"


# PDF -------------------------------------------------------------------------------------------


def test_pdf_page_text_is_extracted_line_by_line() -> None:
    page = (
        "China trials visa-free travel\nfor six countries (a trial) \u2013 \u201cfor a year\u201d"
    )

    result = extract_text(make_pdf([page]), "application/pdf")

    assert result == ExtractedText(TextKind.PDF, page, None, None)


def test_pdf_pages_are_joined_by_a_form_feed() -> None:
    result = extract_text(make_pdf(["Page one", "Page two\nline two", "Page three"]), None)

    assert result.text == "Page one\fPage two\nline two\fPage three"


def test_form_feed_within_a_pdf_page_becomes_a_line_break(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pypdf.PageObject, "extract_text", lambda page: "top\fbottom")

    result = extract_text(make_pdf(["one", "two"]), "application/pdf")

    assert result.text == "top\nbottom\ftop\nbottom"


def test_pdf_page_labels_are_its_printed_page_numbers() -> None:
    body = make_labelled_pdf(["a", "b", "c"], roman=1, first_arabic=233)

    assert pdf_module.pdf_page_labels(body) == ("i", "233", "234")


@pytest.mark.parametrize(
    "body", [make_pdf(["no labels"]), b"this is not a PDF", make_pdf(["cut"])[:100]]
)
def test_pdf_without_page_labels_has_none(body: bytes) -> None:
    assert pdf_module.pdf_page_labels(body) is None


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_pdf_encrypted_with_an_empty_password_is_read(algorithm: str) -> None:
    body = _encrypted(make_pdf(["Secret visa policy"]), "", algorithm)

    result = extract_text(body, "application/pdf")

    assert (result.text, result.problem) == ("Secret visa policy", None)


def test_password_protected_pdf_gives_a_problem() -> None:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)

    result = extract_text(out.getvalue(), "application/pdf")

    assert result == ExtractedText(
        TextKind.PDF, None, None, "the PDF is encrypted: it needs a password"
    )


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9])
def test_truncated_pdf_gives_a_problem_not_an_exception(keep: float) -> None:
    body = make_pdf(["Page one", "Page two"])

    result = extract_text(body[: int(len(body) * keep)], "application/pdf")

    assert (result.kind, result.text) == (TextKind.PDF, None)
    assert result.problem is not None
    assert result.problem.startswith("the PDF is damaged: ")


def test_garbage_served_as_pdf_gives_a_problem() -> None:
    result = extract_text(b"this is not a PDF at all", "application/pdf")

    assert (result.kind, result.text) == (TextKind.PDF, None)
    assert result.problem is not None
    assert result.problem.startswith("the PDF is damaged: PdfStreamError")


def test_unreadable_page_is_reported_and_the_others_kept() -> None:
    body = make_pdf(["Good page", "Bad page"])
    second = body.index(b"7 0 obj")
    body = body[:second] + body[second:].replace(b">>\nstream", b" /Filter /Foo >>\nstream", 1)

    result = extract_text(body, "application/pdf")

    assert (result.text, result.problem) == (
        "Good page\f",
        "1 of 2 pages could not be read (page 2: NotImplementedError: Unsupported filter /Foo)",
    )


def test_missing_decoder_is_a_problem_not_an_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing_decoder(data: bytes, *args: object, **kwargs: object) -> bytes:
        raise pypdf.errors.DependencyError("the decoder is not installed")

    monkeypatch.setattr(pypdf.filters.FlateDecode, "decode", missing_decoder)
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(make_pdf(["Compressed"])))
    for page in writer.pages:
        page.compress_content_streams()
    out = io.BytesIO()
    writer.write(out)

    result = extract_text(out.getvalue(), "application/pdf")

    assert (result.text, result.problem) == (
        None,
        "1 of 1 pages could not be read (page 1: DependencyError: the decoder is not "
        "installed); the PDF has no text to extract (a scan, or only images?)",
    )


def test_pdf_without_text_says_so() -> None:
    result = extract_text(make_pdf(["", ""]), "application/pdf")

    assert result == ExtractedText(
        TextKind.PDF, None, None, "the PDF has no text to extract (a scan, or only images?)"
    )


def test_pdf_pages_beyond_the_limit_are_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_module, "MAX_PDF_PAGES", 2)

    result = extract_text(make_pdf(["one", "two", "three"]), "application/pdf")

    assert (result.text, result.problem) == ("one\ftwo", "only the first 2 of 3 pages were read")


def test_pdf_text_beyond_the_limit_is_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_module, "MAX_PDF_CHARS", 12)

    result = extract_text(make_pdf(["first page", "second page", "third"]), "application/pdf")

    assert (result.text, result.problem) == (
        "first page\fs",
        "the text was cut after 12 characters",
    )


def test_pypdf_complaints_about_a_repairable_pdf_are_silenced(
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = make_pdf(["Still readable"])
    wrong_offset = body.replace(b"startxref\n", b"startxref\n1").rsplit(b"xref", 1)
    damaged = wrong_offset[0] + b"xref" + wrong_offset[1]
    level = logging.getLogger("pypdf").level

    with caplog.at_level(logging.DEBUG):
        result = extract_text(damaged, "application/pdf")

    assert result.text == "Still readable"
    assert [record for record in caplog.records if record.name.startswith("pypdf")] == []
    assert logging.getLogger("pypdf").level == level


def _encrypted(body: bytes, password: str, algorithm: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(body))
    writer.encrypt(password, "owner", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# Never raises ----------------------------------------------------------------------------------

VALID_PDF = make_pdf(["Visa-free travel", "for six countries"])
CONTENT_TYPES = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "text/html",
            "text/html; charset=gbk",
            "text/html; charset=utf-16",
            'text/html; charset="x',
            "application/pdf",
            "text/plain",
            "text/plain; charset=utf-16-be",
            "application/octet-stream",
            "image/png",
        ]
    ),
    st.text(max_size=40),
)
BODIES = st.one_of(
    st.binary(max_size=2000),
    st.binary(max_size=500).map(lambda tail: b"%PDF-1.4\n" + tail),
    st.text(alphabet="<>!/[]-'\"=ab &;#?x\n", max_size=300).map(lambda s: f"<html>{s}".encode()),
    st.tuples(st.integers(0, len(VALID_PDF)), st.binary(min_size=1, max_size=8)).map(
        lambda cut: VALID_PDF[: cut[0]] + cut[1] + VALID_PDF[cut[0] + len(cut[1]) :]
    ),
)


@settings(deadline=None, max_examples=200)
@given(body=BODIES, content_type=CONTENT_TYPES)
def test_extraction_never_raises(body: bytes, content_type: str | None) -> None:
    result = extract_text(body, content_type)

    assert isinstance(result.kind, TextKind)
    assert result.text is None or isinstance(result.text, str)
    assert result.text is not None or result.problem is not None


# One parse: the check decodes a page once, the archive reads its text from that -----------


def test_html_text_read_with_the_pages_facts_is_kept_as_read() -> None:
    body = html_page("Read once.").encode()
    decoded = PageText(body.decode(), "gb18030", read_along="Read along.")

    result = extract_text(body, "text/html", decoded)

    assert result == ExtractedText(TextKind.HTML, "Read along.", "gb18030", None)


def test_html_decoded_by_the_check_is_not_decoded_again() -> None:
    body = html_page("Visa policy", head=meta_charset("shift_jis")).encode()
    decoded = PageText(html_page("Decoded once"), "cp932")

    result = extract_text(body, "text/html", decoded)

    assert result == ExtractedText(TextKind.HTML, expected("Decoded once"), "cp932", None)


def test_page_decoded_by_the_check_is_left_aside_for_a_pdf_served_as_html() -> None:
    result = extract_text(VALID_PDF, "text/html", PageText("<p>Not the PDF.", "utf-8"))

    assert result.kind is TextKind.PDF
    assert result.text == "Visa-free travel\ffor six countries"


HTML_TYPES = st.sampled_from(
    ["text/html", "text/html; charset=gbk", "text/html; charset=utf-16", "application/xhtml+xml"]
)


@settings(deadline=None, max_examples=200)
@given(body=BODIES, content_type=HTML_TYPES, anchors=st.booleans())
def test_a_page_kept_decoded_gives_the_text_and_facts_of_one_read_apart(
    body: bytes, content_type: str, anchors: bool
) -> None:
    facts = read_page(body, content_type, anchors=anchors, keep=True)

    assert facts.kept is not None
    assert (facts.kept.read_along is not None) == anchors
    assert extract_text(body, content_type, facts.kept) == extract_text(body, content_type)
    facts.kept = None
    assert facts == page_facts(decode(body, content_type, html=True)[0], anchors=anchors)


@pytest.mark.parametrize("fragment", ["", "#terms"], ids=["searched", "parsed for anchors"])
def test_an_archived_page_is_parsed_once_and_not_at_all_when_stored_already(
    hosts: HostFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fragment: str
) -> None:
    (host,) = hosts(1)
    host.route("/visa", served_page("Visa waiver", "<p id=terms>Visa-free for <b>15</b> days.</p>"))
    parsed: list[str] = []
    read = html_module._Markup.read

    def counted(parser: html_module._Markup, markup: str) -> None:
        parsed.append(markup)
        read(parser, markup)

    monkeypatch.setattr(html_module._Markup, "read", counted)
    sources = [source(host.url("/visa") + fragment)]
    with closing(ArchiveIndex(tmp_path / "claimcheck.sqlite3")) as index:
        archive = LocalArchive(tmp_path / "archive", index)
        (first,) = run_checks(sources, options(), archive=archive).sources
        parsed_first = len(parsed)
        (again,) = run_checks(sources, options(), archive=archive).sources
        archive.close()
        assert first.snapshot is not None
        payload = index.payload(first.snapshot.payload_digest, with_text=True)

    assert (parsed_first, len(parsed)) == (1, 1 + bool(fragment))
    assert first.status is again.status is SourceStatus.ALIVE
    assert payload is not None
    assert payload.text == "Visa waiver\n\nVisa waiver\n\nVisa-free for 15 days."
    assert payload.charset == "utf-8"


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        # aria-hidden hides from screen readers what stays on the screen: it parts words.
        (
            '<p>Published<span aria-hidden="true"> · </span>12 March 2024</p>',
            "Published 12 March 2024",
        ),
        ('<p>Call us<span aria-hidden="true">☎</span>today</p>', "Call us today"),
        # A class that shows text to screen readers only keeps it off the screen.
        (
            '<p><a href="/r">12 countries joined<span class="govuk-visually-hidden"> (opens in '
            "new tab)</span></a> the scheme</p>",
            "12 countries joined the scheme",
        ),
        # A footnote's mark is no word of the sentence; an exponent is.
        (
            '<p>states<sup class="reference"><a href="#cite_note-1">[1]</a></sup> and China</p>',
            "states and China",
        ),
        ('<p>in 2024.<sup><a href="#fn1">1</a></sup> Next</p>', "in 2024. Next"),
        ("<p>10<sup>3</sup> metres</p>", "103 metres"),
        # Pandoc's and Quarto's mark (the <sup> inside the link), a footnote anchor without
        # <sup> (Substack's), a journal's list and range of marks (PMC's), Wikipedia's named
        # notes, the page cited after a mark, and an editor's remark print leaves out.
        (
            '<p>travellers<a href="#fn1" class="footnote-ref" role="doc-noteref"><sup>1</sup>'
            "</a> from Korea</p>",
            "travellers from Korea",
        ),
        (
            '<p>travellers<a class="footnote-anchor" href="#footnote-1">1</a> from Korea</p>',
            "travellers from Korea",
        ),
        (
            '<p>travellers<sup><a href="#B1">1</a>,<a href="#B2">2</a></sup> and '
            'visitors<sup><a href="#B3">3</a>\u2013<a href="#B5">5</a></sup> came</p>',
            "travellers and visitors came",
        ),
        (
            '<p>travellers<sup class="reference"><a href="#cite_note-1">[note 1]</a></sup>'
            '<sup class="reference nowrap"><span title="Page: 45">: 45</span></sup> came</p>',
            "travellers came",
        ),
        (
            '<p>travellers<sup class="noprint Inline-Template Template-Fact">&#91;<i><a '
            'href="/wiki/Wikipedia:Citation_needed">citation needed</a></i>&#93;</sup> came</p>',
            "travellers came",
        ),
        # The quotation marks a browser draws around <q>.
        (
            "<p>He called it <q>a turning point</q> for us</p>",
            "He called it \u201ca turning point\u201d for us",
        ),
        # A link to a place on the page that is no note's mark, and a superscript that is no
        # note's, stay words.
        (
            '<p>See <a href="#part-2">2</a> and x<sup>2</sup>, [<a href="#">edit</a>]</p>',
            "See 2 and x2, [edit]",
        ),
        # Ruby's reading aids stand above the text they read, not in it.
        ("<p><ruby>入国<rp>(</rp><rt>にゅうこく</rt><rp>)</rp></ruby>制限</p>", "入国制限"),
    ],
)
def test_the_text_is_the_words_a_reader_sees_in_the_order_shown(markup: str, text: str) -> None:
    assert page_text(f"<body>{markup}</body>") == text
