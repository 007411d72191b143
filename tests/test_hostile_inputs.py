"""Hostile inputs and settings through the command line: a clear message and exit 2, no hang."""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from claimcheck.cli import app
from tests.helpers import CLEAN_BIB, CLEAN_CLAIMS, make_project
from tests.servers import HostFactory, html_page
from tests.test_cli import claimcheck
from tests.test_cli_verify import project


def lint(folder: Path, *args: str) -> Result:
    """``claimcheck lint`` run in ``folder``, in this process."""
    with _inside(folder):
        return CliRunner().invoke(app, ["lint", *args])


def verify_offline(folder: Path, *args: str) -> Result:
    """``claimcheck verify --offline`` run in ``folder``, in this process: no request is made."""
    with _inside(folder):
        return CliRunner().invoke(app, ["verify", "--offline", *args])


@contextmanager
def _inside(folder: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def assert_refused(result: Result, *needles: str) -> None:
    """Exit 2 with one clear message holding every needle, and no traceback."""
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")
    for needle in needles:
        assert needle in result.stderr


# Header values from flags and settings (I1, T9) ------------------------------------------


@pytest.mark.parametrize(
    ("agent", "shown"),
    [
        ("a\r\nX-Injected: yes", "U+000D"),
        ("a\nHost: evil.example", "U+000A"),
        ("a\x00b", "U+0000"),
        ("a\x1b[2Jb", "U+001B"),
        ("claimcheck\x7f", "U+007F"),
        ("ü", "U+00FC"),
        ("claimcheck/1 (mailto:zoë@example.org)", "U+00EB"),
        ("\u2028", "U+2028"),
    ],
)
def test_a_user_agent_flag_with_a_control_or_non_ascii_character_is_refused(
    tmp_path: Path, agent: str, shown: str
) -> None:
    make_project(tmp_path)
    result = verify_offline(tmp_path, "--user-agent", agent)
    assert_refused(result, "setting 'user_agent'", shown)


def test_a_user_agent_setting_with_a_line_break_is_refused_at_its_line(tmp_path: Path) -> None:
    make_project(tmp_path)
    (tmp_path / "claimcheck.toml").write_text(
        'backoff = 0.1\nuser_agent = "a\\r\\nX-Injected: yes"\n', encoding="utf-8"
    )
    result = verify_offline(tmp_path)
    assert_refused(result, "claimcheck.toml:2: setting 'user_agent'", "U+000D")


def test_an_injected_user_agent_sends_no_request_at_all(hosts: HostFactory, tmp_path: Path) -> None:
    (host,) = hosts(1)
    host.route("/news", html_page("China trials visa-free travel for six countries"))
    folder = project(tmp_path, host.url("/news"))
    result = claimcheck(
        "verify", "--allow-private", "--user-agent", "a\r\nX-Injected: yes", cwd=folder
    )
    assert result.returncode == 2
    assert "setting 'user_agent'" in result.stderr
    assert "Traceback" not in result.stderr
    assert host.requests == []


def test_a_plain_user_agent_is_sent_as_given(hosts: HostFactory, tmp_path: Path) -> None:
    (host,) = hosts(1)
    host.route("/news", html_page("China trials visa-free travel for six countries"))
    folder = project(tmp_path, host.url("/news"))
    result = claimcheck(
        "verify",
        "--allow-private",
        "--user-agent",
        "  lab-bot/2 (+https://lab.example)  ",
        cwd=folder,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    agents = {request.headers.get("user-agent") for request in host.requests}
    assert agents == {"lab-bot/2 (+https://lab.example)"}


@pytest.mark.parametrize("name", ["doi-resolver", "wayback-url"])
@pytest.mark.parametrize(
    "url", ["https://doi.org\r\nX-Injected: yes", "https://doi .org", "ftp://doi.org", "doi.org"]
)
def test_a_base_url_setting_that_is_no_plain_http_url_is_refused(
    tmp_path: Path, name: str, url: str
) -> None:
    make_project(tmp_path)
    (tmp_path / "claimcheck.toml").write_text(f"{name} = {json.dumps(url)}\n", encoding="utf-8")
    result = verify_offline(tmp_path)
    assert_refused(result, f"claimcheck.toml:1: setting '{name.replace('-', '_')}'")


# Numbers out of range (T10) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--max-age", "99999999999999d", "longer than 36,525 days"),
        ("--max-age", "36526d", "longer than 36,525 days"),
        ("--max-age", "1e400", "is not a duration"),
        ("--max-age", "nan", "is not a duration"),
        ("--timeout", "inf", "finite number"),
        ("--timeout", "nan", "setting 'timeout'"),
        ("--timeout", "1e300", "less than or equal to 86400"),
    ],
)
def test_a_duration_flag_out_of_range_is_refused(
    tmp_path: Path, flag: str, value: str, message: str
) -> None:
    make_project(tmp_path)
    assert_refused(verify_offline(tmp_path, flag, value), message)


@pytest.mark.parametrize(
    "line",
    [
        "max_age = 99999999999999999",
        "max_age = -5",
        'max_age = "P99999999D"',
        "max_age = 1e400",
        "timeout = inf",
        "connect_timeout = 1e300",
        "backoff = inf",
        "retry_after_cap = 1e18",
        "wayback_poll_timeout = nan",
        "max_body = 99999999999999999999",
    ],
)
def test_a_number_setting_out_of_range_is_refused_at_its_line(tmp_path: Path, line: str) -> None:
    make_project(tmp_path)
    (tmp_path / "claimcheck.toml").write_text(f"{line}\n", encoding="utf-8")
    name = line.split(" ")[0]
    assert_refused(verify_offline(tmp_path), f"claimcheck.toml:1: setting '{name}'")


def test_a_long_but_sane_max_age_is_accepted(tmp_path: Path) -> None:
    make_project(tmp_path)
    result = verify_offline(tmp_path, "--max-age", "3650d")
    assert result.exit_code == 0, result.stdout + result.stderr


# Certificate bundles (T11) ----------------------------------------------------------------


def _special_files(folder: Path) -> dict[str, Path]:
    fifo = folder / "fifo"
    os.mkfifo(fifo)
    (folder / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (folder / "empty.pem").write_bytes(b"")
    return {
        "a text file": folder / "passwd",
        "an empty file": folder / "empty.pem",
        "a FIFO": fifo,
        "a folder": folder,
        "a device": Path("/dev/zero"),
        "a missing file": folder / "missing.pem",
    }


@pytest.mark.parametrize(
    "kind", ["a text file", "an empty file", "a FIFO", "a folder", "a device", "a missing file"]
)
def test_a_ca_bundle_that_is_no_certificate_file_is_refused_without_blocking(
    tmp_path: Path, kind: str
) -> None:
    make_project(tmp_path)
    bundle = _special_files(tmp_path)[kind]
    (tmp_path / "claimcheck.toml").write_text(f"ca_bundle = {json.dumps(str(bundle))}\n")
    start = time.monotonic()
    result = claimcheck("verify", "--offline", cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "setting 'ca_bundle'" in result.stderr
    assert "Traceback" not in result.stderr
    assert time.monotonic() - start < 20


def test_a_ca_file_setting_is_named_as_unknown(tmp_path: Path) -> None:
    make_project(tmp_path)
    (tmp_path / "claimcheck.toml").write_text('ca_file = "/etc/passwd"\n', encoding="utf-8")
    assert_refused(verify_offline(tmp_path), "unknown setting 'ca_file'", "ca_bundle")


# Pipes, devices and folders as inputs (H1, C1) --------------------------------------------


@pytest.mark.parametrize(
    ("flag", "kind", "message"),
    [
        ("--claims", "a FIFO", "is a named pipe (FIFO), not a regular file"),
        ("--bib", "a FIFO", "is a named pipe (FIFO), not a regular file"),
        ("--config", "a FIFO", "is a named pipe (FIFO), not a regular file"),
        ("--config", "a device", "is a character device, not a regular file"),
        ("--bib", "a device", "is a character device, not a regular file"),
        ("--claims", "a folder", "is a directory, not a regular file"),
        ("--config", "a folder", "is a directory, not a regular file"),
    ],
)
def test_a_pipe_device_or_folder_as_input_is_refused_without_blocking(
    tmp_path: Path, flag: str, kind: str, message: str
) -> None:
    make_project(tmp_path)
    special = _special_files(tmp_path)[kind]
    start = time.monotonic()
    result = claimcheck("lint", flag, str(special), cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(f"error: {special}: {message}")
    assert "Traceback" not in result.stderr
    assert time.monotonic() - start < 20


# Settings files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"a = " + b"[" * 5000 + b"]" * 5000 + b"\n", "nested too deeply"),
        (b"# " + b"x" * (1024 * 1024) + b"\n", "more than the 1,048,576 bytes"),
        (b'user_agent = "caf\xe9"\n', "not UTF-8: byte 0xe9"),
    ],
)
def test_a_hostile_settings_file_is_refused(tmp_path: Path, content: bytes, message: str) -> None:
    make_project(tmp_path)
    (tmp_path / "settings.toml").write_bytes(content)
    assert_refused(lint(tmp_path, "--config", "settings.toml"), message)


@pytest.mark.parametrize("tool", ["tool = 5", "tool = [1]", "[tool]\nclaimcheck = 5"])
def test_a_pyproject_whose_tool_table_is_no_table_is_refused(tmp_path: Path, tool: str) -> None:
    make_project(tmp_path)
    (tmp_path / "pyproject.toml").write_text(tool + "\n", encoding="utf-8")
    assert_refused(lint(tmp_path), "[tool.claimcheck] must be a table")


# Bibliographies ------------------------------------------------------------------------------


def _macro_bomb(levels: int = 30) -> str:
    lines = ["@string{s0={aaaaaaaaaa}}"]
    lines += [f"@string{{s{i}=s{i - 1}#s{i - 1}#s{i - 1}#s{i - 1}}}" for i in range(1, levels + 1)]
    return "\n".join(lines) + f"\n{CLEAN_BIB.replace('{China', 's' + str(levels) + ' # {China')}"


# The in-process limits below are CPU seconds of this process (what a blow-up would burn),
# not wall time, which other jobs on a busy machine stretch.
def test_a_macro_bomb_is_reported_as_too_large_not_expanded(tmp_path: Path) -> None:
    make_project(tmp_path, bib=_macro_bomb())
    start = time.process_time()
    result = lint(tmp_path, "--format", "json")
    assert time.process_time() - start < 10
    assert result.exit_code == 1, result.stdout + result.stderr
    findings = json.loads(result.stdout)["findings"]
    too_large = [finding for finding in findings if finding["code"] == "CC210"]
    assert too_large
    assert too_large[0]["line"] == 8  # s7 is the first macro over 100,000 characters
    assert "kept as written" in too_large[0]["message"]


def test_macros_wide_rather_than_deep_stop_at_the_files_budget(tmp_path: Path) -> None:
    big = "@string{s0={" + "a" * 90_000 + "}}\n"
    uses = "".join(f"@string{{x{n}=s0 # {{b}}}}\n" for n in range(400))
    make_project(tmp_path, bib=big + uses + CLEAN_BIB)
    result = lint(tmp_path, "--format", "json")
    codes = [finding["code"] for finding in json.loads(result.stdout)["findings"]]
    assert 0 < codes.count("CC210") < 400  # the first ~186 fit in the 16 Mi budget


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("@a{" * 1_400_000, "more than 50,000 '@' blocks"),
        ("@a{\n" * 60_000, "more than 50,000 '@' blocks"),
        ("@a{k," + "a=b," * 700_000 + "}", "'=' signs"),
        ("@a{k, t={" + "{}" * 2_100_000 + "}}", "braces, quotes, commas"),
    ],
)
def test_a_bibliography_shaped_like_no_bibliography_is_refused_quickly(
    tmp_path: Path, text: str, message: str
) -> None:
    make_project(tmp_path, bib=text)
    start = time.process_time()
    result = lint(tmp_path)
    assert time.process_time() - start < 5
    assert_refused(result, "references.bib: the file holds", message, "hint:")


@pytest.mark.parametrize(
    "path",
    [
        "\\" * 400_000 + "a",
        "{\\" * 200_000 + "_" + "}" * 200_000,
        "a" + " " * 400_000 + "b",
        "a" + " \n" * 200_000 + "b",
    ],
    ids=["backslashes", "nested-groups", "spaces", "line-breaks"],
)
def test_a_hostile_url_field_is_linted_and_read_in_time_linear_in_its_length(
    tmp_path: Path, path: str
) -> None:
    make_project(tmp_path, bib=CLEAN_BIB.replace("news/world-asia-china-67516777", path))
    start = time.process_time()

    linted, offline = (
        lint(tmp_path, "--format", "json"),
        verify_offline(tmp_path, "--format", "json"),
    )

    assert time.process_time() - start < 10
    assert linted.exit_code in {0, 1}, linted.output
    assert offline.exit_code in {0, 1}, offline.output
    assert len(json.loads(offline.stdout)["sources"]) == 1


def test_many_undefined_macros_are_listed_a_thousand_times_then_counted(tmp_path: Path) -> None:
    names = " # ".join(f"m{n}" for n in range(3000))
    make_project(tmp_path, bib=CLEAN_BIB.replace("{2023}", names))
    result = lint(tmp_path, "--format", "json")
    findings = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "CC209"]
    assert len(findings) == 1001
    assert findings[-1]["message"].startswith("2,000 more findings of this kind are left out")


def test_a_utf8_bibliography_with_one_stray_latin1_byte_is_read_as_utf8(tmp_path: Path) -> None:
    bib = (
        "@online{cafe, title = {Caf\u00e9 \u00fcber alles}, url = {https://a.example/}}\n"
        "@online{naive, title = {Na\u00efve}, url = {https://b.example/}}\n"
    ).encode() + b"@online{stray, title = {Bad \xe9 byte}, url = {https://c.example/}}\n"
    make_project(tmp_path)
    (tmp_path / "references.bib").write_bytes(bib)
    result = lint(tmp_path, "--format", "json")
    report = json.loads(result.stdout)
    findings = report["findings"]
    stray = [finding for finding in findings if finding["code"] == "CC211"]
    assert [(finding["line"], finding["message"][:14]) for finding in stray] == [
        (3, "the byte 0xe9 ")
    ]
    assert not [finding for finding in findings if finding["code"] == "CC204"]
    assert sorted(source["key"] for source in report["sources"]) == ["cafe", "naive", "stray"]
    assert result.exit_code == 1


def test_a_latin1_bibliography_is_still_detected_as_latin1(tmp_path: Path) -> None:
    make_project(tmp_path)
    (tmp_path / "references.bib").write_bytes(
        CLEAN_BIB.replace("China", "Caf\u00e9 na\u00efve China").encode("latin-1")
    )
    result = lint(tmp_path, "--format", "json")
    assert result.exit_code == 0, result.stdout
    assert not json.loads(result.stdout)["findings"]


# Claims ledgers (H2) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "[" + "a, " * 1_000_000 + "]",
        "{version: 1, claims: [" + "{id: a, text: b}, " * 30_000 + "]}",
        "- a\n" * 60_000,
    ],
)
def test_a_ledger_with_too_many_values_is_refused_quickly(tmp_path: Path, text: str) -> None:
    make_project(tmp_path, claims=text)
    start = time.process_time()
    result = lint(tmp_path)
    assert time.process_time() - start < 8
    assert_refused(result, "the YAML holds more than 50,000 values")


def test_a_ledger_over_4_mib_is_refused_unread(tmp_path: Path) -> None:
    make_project(tmp_path, claims=CLEAN_CLAIMS + "#" + "x" * (4 * 1024 * 1024) + "\n")
    assert_refused(lint(tmp_path), "more than the 4,194,304 bytes")


def test_a_ledger_with_a_stray_latin1_byte_is_refused_at_its_line(tmp_path: Path) -> None:
    make_project(tmp_path)
    (tmp_path / "claims.yaml").write_bytes(
        CLEAN_CLAIMS.replace("China", "Caf\u00e9 China").encode() + b"# caf\xe9\n"
    )
    assert_refused(lint(tmp_path), "claims.yaml:9: the byte 0xe9 is not UTF-8")


# Arbitrary bytes never end in a traceback ------------------------------------------------------

_FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_TEXTY = st.one_of(
    st.binary(max_size=600),
    st.text(alphabet=st.sampled_from('@{}"#,=\n %\\abc:-[]\xe9\u4e2d'), max_size=300).map(
        lambda text: text.encode()
    ),
    st.text(max_size=200).map(lambda text: text.encode("utf-8", "surrogatepass")),
)


def _lint_with(name: str, content: bytes) -> Result:
    with tempfile.TemporaryDirectory() as folder:
        make_project(Path(folder))
        (Path(folder) / name).write_bytes(content)
        extra = ["--config", name] if name.endswith(".toml") else []
        return lint(Path(folder), *extra)


def _assert_clean_exit(result: Result) -> None:
    assert result.exit_code in (0, 1, 2), result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )


@_FUZZ
@given(content=_TEXTY)
def test_arbitrary_bytes_as_the_bibliography_exit_0_1_or_2(content: bytes) -> None:
    _assert_clean_exit(_lint_with("references.bib", content))


@_FUZZ
@given(content=_TEXTY)
def test_arbitrary_bytes_as_the_claims_ledger_exit_0_1_or_2(content: bytes) -> None:
    _assert_clean_exit(_lint_with("claims.yaml", content))


_SETTING_LINES = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "user_agent",
                "max_age",
                "timeout",
                "ca_bundle",
                "doi_resolver",
                "bib",
                "ignore",
                "exclude",
                "concurrency",
                "wayback_url",
                "proxy",
                "encoding",
                "tool",
            ]
        ),
        st.one_of(
            st.text(max_size=20).map(json.dumps),
            st.integers().map(str),
            st.floats().map(repr),
            st.sampled_from(["[]", "{}", "true", '["x"]', "inf", "-inf", '"/dev/zero"']),
        ),
    ).map(lambda pair: f"{pair[0]} = {pair[1]}"),
    max_size=4,
).map(lambda lines: "\n".join(lines).encode())


@_FUZZ
@given(content=st.one_of(_TEXTY, _SETTING_LINES))
def test_arbitrary_bytes_as_the_settings_file_exit_0_1_or_2(content: bytes) -> None:
    _assert_clean_exit(_lint_with("settings.toml", content))
