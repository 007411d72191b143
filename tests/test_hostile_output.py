"""Nothing raw reaches a terminal: escape codes from servers and files are shown, not obeyed."""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from claimcheck.visible import safe_json, visible
from tests.helpers import run_on_terminal
from tests.servers import HostFactory, html_page, page
from tests.test_cli_archive import entry, project, run

CLEAR_SCREEN = "\x1b[2J"
SET_TITLE = "\x1b]0;pwned\x07"  # no square bracket: the fast table writer takes such rows
RIGHT_TO_LEFT = "\u202e"
RAW = (CLEAR_SCREEN, "\x1b", "\x07", RIGHT_TO_LEFT, "\x9b")


def assert_nothing_raw(text: str) -> None:
    for raw in RAW:
        assert raw not in text, repr(raw)


def test_archive_show_prints_a_servers_escape_codes_visibly_even_with_no_color(
    hosts: HostFactory, tmp_path: Path
) -> None:
    [host] = hosts(1)
    host.route("/a", page("<title>A</title>", content_type=f"text/html{CLEAR_SCREEN}"))
    folder = project(tmp_path, entry("a", host.url("/a")))
    run("archive", "save", cwd=folder)
    shown = run("archive", "show", "a", cwd=folder, NO_COLOR="1").stdout
    assert "text/html\\x1b[2J" in shown
    assert CLEAR_SCREEN not in shown
    env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    env["COLUMNS"] = "200"
    on_terminal = run_on_terminal(["archive", "show", "a"], folder, env, stream="stdout")
    assert "text/html\\x1b[2J" in on_terminal
    assert CLEAR_SCREEN not in on_terminal


def test_the_terminal_report_shows_control_characters_from_the_bib_and_claims(
    hosts: HostFactory, tmp_path: Path
) -> None:
    [host] = hosts(1)
    host.route("*", html_page("Fine"))
    # Many plain rows, so the fast table writer draws the sources table; two hostile ones.
    bib = "".join(entry(f"k{n}", host.url(f"/p{n}")) for n in range(30))
    bib += entry("title", host.url(f"/x{SET_TITLE}"))
    bib += entry(f"rtl{RIGHT_TO_LEFT}", host.url("/rtl"))
    folder = project(tmp_path, bib)
    text = '"A claim\\x1b[2J \\x9b1m"'  # YAML escapes
    claims = f"version: 1\nclaims:\n  - id: c1\n    text: {text}\n"
    (folder / "claims.yaml").write_text(claims + "    evidence:\n      - source: k0\n")
    result = run("verify", cwd=folder, NO_COLOR="1")
    assert_nothing_raw(result.stdout + result.stderr)
    assert "\\x1b]0;pwned\\x07" in result.stdout
    assert "rtl\\u202e" in result.stdout
    assert "A claim\\x1b[2J \\x9b1m" in result.stdout
    env = {**os.environ, "COLUMNS": "200", "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    coloured = run_on_terminal(["verify"], folder, env, stream="stdout")
    assert "\x1b[1mclaimcheck" in coloured  # coloured indeed, by claimcheck
    assert CLEAR_SCREEN not in coloured
    assert SET_TITLE not in coloured
    assert RIGHT_TO_LEFT not in coloured
    assert "\\x1b]0;pwned\\x07" in coloured


def test_json_keeps_the_data_as_it_is_escaped_so_the_file_shows_nothing_raw(
    hosts: HostFactory, tmp_path: Path
) -> None:
    [host] = hosts(1)
    host.route("*", html_page("Fine"))
    url = host.url(f"/x{SET_TITLE}")
    folder = project(tmp_path, entry(f"rtl{RIGHT_TO_LEFT}", url))
    claims = '"A claim\\u202e \\x9b1m \\u2028"'  # YAML escapes
    (folder / "claims.yaml").write_text(
        f"version: 1\nclaims:\n  - id: c1\n    text: {claims}\n"
        f"    evidence:\n      - source: rtl{RIGHT_TO_LEFT}\n"
    )

    written = run("verify", "--format", "json", cwd=folder).stdout

    assert_nothing_raw(written)
    assert "\u2028" not in written
    report = json.loads(written)
    [found] = report["sources"]
    assert found["keys"] == [f"rtl{RIGHT_TO_LEFT}"]
    assert found["url"] == url
    assert report["claims"][0]["text"] == "A claim\u202e \x9b1m \u2028"


def test_sarif_junit_and_the_json_table_show_nothing_raw(tmp_path: Path) -> None:
    folder = project(tmp_path, entry(f"rtl{RIGHT_TO_LEFT}", "http://127.0.0.1/"))
    claims = '"A claim\\u202e \\x9b1m"'
    (folder / "claims.yaml").write_text(
        f"version: 1\nclaims:\n  - id: c1\n    text: {claims}\n"
        f"    evidence:\n      - source: rtl{RIGHT_TO_LEFT}\n        quote: q\u202eq\n"
        f"      - source: gone{RIGHT_TO_LEFT}\n"
    )
    sarif = run("lint", "--format", "sarif", cwd=folder, code=1).stdout
    junit = run("verify", "--offline", "--format", "junit", cwd=folder, code=1).stdout
    table = run("export", "--offline", "--format", "json", cwd=folder).stdout

    for written in (sarif, junit, table):
        assert_nothing_raw(written)
    assert "rtl\\u202e" in junit
    assert json.loads(table)["rows"][0]["quote"] == f"q{RIGHT_TO_LEFT}q"
    messages = [result["message"]["text"] for result in json.loads(sarif)["runs"][0]["results"]]
    assert "claim 'c1' cites 'gone\\u202e', which is not in the bibliography" in messages


@given(st.text())
def test_safe_json_is_the_same_data_with_nothing_raw(text: str) -> None:
    document = json.dumps({"value": text, "list": [text, 1]}, ensure_ascii=False, indent=2)
    shown = safe_json(document)
    assert json.loads(shown) == json.loads(document)
    assert not any(
        unicodedata.category(char) in {"Cc", "Cs", "Zl", "Zp"} for char in shown.replace("\n", "")
    )
    assert RIGHT_TO_LEFT not in shown


def test_an_error_message_naming_a_file_shows_its_escape_codes(tmp_path: Path) -> None:
    folder = project(tmp_path, entry("a", "http://127.0.0.1/"))
    result = run("verify", "--bib", f"refs{CLEAR_SCREEN}.bib", cwd=folder, code=2)
    assert_nothing_raw(result.stderr)
    assert "refs\\x1b[2J.bib: file not found" in result.stderr


@given(st.text())
def test_visible_text_holds_no_control_character_and_encodes_as_utf8(text: str) -> None:
    shown = visible(text)
    assert not any(unicodedata.category(char) in {"Cc", "Cs", "Zl", "Zp"} for char in shown)
    assert RIGHT_TO_LEFT not in shown
    shown.encode("utf-8")
    if text.isascii() and text.isprintable():
        assert shown == text
