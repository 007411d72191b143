"""Per-URL rules end to end: `claimcheck verify` against loopback servers, secrets kept secret."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path
from typing import Any

from tests.checking import page_requests
from tests.helpers import CLEAN_CLAIMS, make_project
from tests.servers import HTML, Host, HostFactory, Request, Response, html_document, status
from tests.test_cli import claimcheck

SECRET = "tok-5f1c9e2a7b-never-shown"
FAST = 'probe_hosts = []\nbackoff = 0.01\ntimeout = 10\nignore = ["organisation-host-mismatch"]\n'
ENTRY = """@online{{{key},
  author  = {{Jane Doe}},
  title   = {{A page}},
  url     = {{{url}}},
  urldate = {{2025-02-09}},
}}
"""


def project(folder: Path, urls: list[str], settings: str = "") -> Path:
    """A project citing ``urls`` (keys bbc2023, ref1, ref2, ...), with fast settings first."""
    keys = ["bbc2023", *(f"ref{n}" for n in range(1, len(urls)))]
    bib = "\n".join(ENTRY.format(key=key, url=url) for key, url in zip(keys, urls, strict=True))
    make_project(folder, bib=bib, claims=CLEAN_CLAIMS)
    (folder / "claimcheck.toml").write_text(FAST + settings, encoding="utf-8")
    return folder


def host_rule(host: Host, body: str) -> str:
    return f'\n[[hosts]]\nmatch = "{host.host}"\n{body}\n'


def wants_token(request: Request) -> Response:
    """The page for a reader who sends the token, 401 for anyone else."""
    if request.headers.get("Authorization") != f"Bearer {SECRET}":
        return Response(401, [("Content-Type", "text/plain")], b"token required")
    document = html_document("Visa-free travel", "<p>" + "China trials six countries. " * 20)
    return Response(200, [("Content-Type", HTML)], document.encode())


def source_findings(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The report's findings about sources (CC5xx)."""
    return [finding for finding in report["findings"] if finding["code"].startswith("CC5")]


def everything_written(folder: Path) -> dict[Path, bytes]:
    """Every file under the project's .claimcheck, gzip members (the WARC files) unpacked."""
    found = {}
    for path in (folder / ".claimcheck").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found[path] = gzip.decompress(data) if path.name.endswith(".gz") else data
    return found


def test_a_header_from_the_environment_reaches_its_host_and_nowhere_else(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    host.route("/2023/visa-free.html", wants_token)
    headers = 'headers = { Authorization = "Bearer ${PAPER_TOKEN}" }'
    folder = project(tmp_path, [host.url("/2023/visa-free.html")], host_rule(host, headers))
    # A socks proxy variable is ignored with a warning, which puts a line in the log.
    env = {"PAPER_TOKEN": SECRET, "ALL_PROXY": "socks5://127.0.0.1:9"}

    terminal = claimcheck("verify", "--allow-private", "-v", cwd=folder, env=env)
    as_json = claimcheck(
        "verify", "--allow-private", "--no-cache", "--format", "json", "-o", "r.json",
        cwd=folder, env=env,
    )  # fmt: skip

    assert terminal.returncode == 0, terminal.stdout + terminal.stderr
    assert as_json.returncode == 0, as_json.stderr
    (source,) = json.loads((folder / "r.json").read_text(encoding="utf-8"))["sources"]
    assert (source["status"], source["reason"]) == ("alive", "ok")
    assert source["snapshot"] is not None
    assert {request.headers.get("Authorization") for request in host.requests} == {
        f"Bearer {SECRET}"
    }
    written = everything_written(folder)
    assert any(path.name == "claimcheck.log" for path in written)
    assert any(path.name.endswith(".sqlite3") for path in written)
    warc = b"".join(data for path, data in written.items() if ".warc" in path.name)
    assert b"Authorization: [redacted]\r\n" in warc
    shown = [terminal.stdout, terminal.stderr, as_json.stdout, as_json.stderr]
    shown.append((folder / "r.json").read_text(encoding="utf-8"))
    assert not [text for text in shown if SECRET in text]
    assert not [path for path, data in written.items() if SECRET.encode() in data]


def test_without_the_header_the_same_server_is_blocked(hosts: HostFactory, tmp_path: Path) -> None:
    (host,) = hosts(1)
    host.route("/2023/visa-free.html", wants_token)
    folder = project(tmp_path, [host.url("/2023/visa-free.html")])

    result = claimcheck("verify", "--allow-private", "--format", "json", cwd=folder)

    (source,) = json.loads(result.stdout)["sources"]
    assert (source["status"], source["reason"]) == ("blocked", "access-denied")


def test_a_missing_header_variable_stops_verify_naming_file_line_and_key(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    headers = 'headers = { Authorization = "Bearer ${PAPER_TOKEN}" }'
    folder = project(tmp_path, [host.url("/a")], host_rule(host, headers))

    result = claimcheck("verify", "--allow-private", cwd=folder)

    assert result.returncode == 2
    assert (
        "claimcheck.toml:8: setting hosts, rule 1, key 'headers': header Authorization: "
        "the environment variable PAPER_TOKEN is not set"
    ) in result.stderr
    assert host.requests == []


def test_an_unfit_header_value_is_refused_without_showing_it(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    headers = 'headers = { X-Api-Key = "${PAPER_TOKEN}" }'
    folder = project(tmp_path, [host.url("/a")], host_rule(host, headers))

    result = claimcheck(
        "verify", "--allow-private", cwd=folder, env={"PAPER_TOKEN": SECRET + "\r\nX-Evil: 1"}
    )

    assert result.returncode == 2
    assert "header X-Api-Key: its value (from PAPER_TOKEN) holds a control" in result.stderr
    assert SECRET not in result.stdout + result.stderr
    assert host.requests == []


def test_accept_makes_a_refusing_host_alive_and_the_run_pass(
    hosts: HostFactory, tmp_path: Path
) -> None:
    jstor, other = hosts(2)
    for host in (jstor, other):
        host.route("/stable/1", status(403, [("Content-Type", "text/plain")], b"robots no"))
    urls = [jstor.url("/stable/1"), other.url("/stable/1")]
    folder = project(tmp_path, urls, 'accept = ["200-299"]\n' + host_rule(jstor, "accept = [403]"))

    result = claimcheck("verify", "--allow-private", "--format", "json", cwd=folder)

    report = json.loads(result.stdout)
    assert [(s["status"], s["reason"]) for s in report["sources"]] == [
        ("alive", "accepted-status"),
        ("blocked", "access-denied"),
    ]
    assert [finding["subject"] for finding in source_findings(report)] == ["ref1"]
    assert result.returncode == 0


def test_claimcheckignore_skips_its_urls_unasked_and_says_which_line(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    folder = project(tmp_path, [host.url("/drafts/1")])
    (folder / ".claimcheckignore").write_text("# not yet public\n/drafts/\n", encoding="utf-8")

    result = claimcheck("verify", "--allow-private", "--format", "json", cwd=folder)

    report = json.loads(result.stdout)
    (source,) = report["sources"]
    assert (source["status"], source["reason"]) == ("skipped", "excluded")
    assert source["detail"] == f"excluded by '/drafts/' ({folder / '.claimcheckignore'}:2)"
    assert report["findings"] == []
    assert host.requests == []
    assert result.returncode == 0


def test_include_checks_only_the_matching_urls(hosts: HostFactory, tmp_path: Path) -> None:
    (host,) = hosts(1)
    host.route("/doi/1", status(200, [("Content-Type", "text/plain")], b"ok"))
    folder = project(tmp_path, [host.url("/doi/1"), host.url("/blog/1")])

    result = claimcheck(
        "verify", "--allow-private", "--format", "json", cwd=folder,
        env={"CLAIMCHECK_INCLUDE": "/doi/"},
    )  # fmt: skip

    report = json.loads(result.stdout)
    assert [(s["status"], s["reason"]) for s in report["sources"]] == [
        ("alive", "ok"),
        ("skipped", "not-included"),
    ]
    assert source_findings(report) == []
    assert [request.path for request in host.requests] == ["/doi/1"]


def test_a_host_interval_and_concurrency_pace_the_requests(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    host.route("*", status(200, [("Content-Type", "text/plain")], b"ok"))
    urls = [host.url(f"/data/{n}.csv") for n in range(3)]
    folder = project(tmp_path, urls, host_rule(host, "concurrency = 1\ninterval = 0.4"))

    result = claimcheck("verify", "--allow-private", "--no-archive", cwd=folder)

    assert result.returncode == 0, result.stdout + result.stderr
    times = sorted(request.time for request in page_requests(host))
    assert len(times) == 3
    assert min(later - earlier for earlier, later in itertools.pairwise(times)) >= 0.3


def test_lint_sends_no_request_and_needs_no_header_variable(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    headers = 'headers = { Authorization = "Bearer ${PAPER_TOKEN}" }'
    folder = project(tmp_path, [host.url("/a")], host_rule(host, headers))

    result = claimcheck("lint", cwd=folder)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
