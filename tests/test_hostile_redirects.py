"""Hostile hosts, redirects and answers through the command line: a status each, no traceback.

T3 and T5 (host names DNS cannot hold) are `invalid` when cited, and a redirect to one is
`error (redirect-invalid-url)`; each has its finding. T4 (a redirect to mailto:, data:, ...)
is `error (redirect-unsupported-scheme)`; T6 (a Location in raw Latin-1) is followed as
browsers follow it; T7 (a status code out of range) is `error (malformed-response)`; T8 (a
meta refresh to no address) is ignored with a note.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.servers import Host, HostFactory, Response, html_page, page, redirect
from tests.test_cli_archive import entry, project, run


def checked(folder: Path, code: int = 0) -> dict[str, dict[str, Any]]:
    """``claimcheck verify --format json`` in ``folder``, exiting ``code``: sources by key."""
    result = run("verify", "--format", "json", cwd=folder, code=code)
    return {source["key"]: source for source in json.loads(result.stdout)["sources"]}


def raw(head: bytes) -> Response:
    """An answer written byte for byte: ``head`` and an empty body."""
    return Response(raw=head + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


@pytest.fixture
def site(hosts: HostFactory) -> Host:
    [host] = hosts(1)
    host.route("*", html_page("A page"))
    return host


LONG_LABEL = "a" * 64
LONG_NAME = ".".join(["a" * 60] * 5)  # 304 characters, each label fine
BAD_HOSTS = {
    "label64": f"http://{LONG_LABEL}.example/",
    "label64idn": f"http://{LONG_LABEL}ü.example/",
    "name300": f"http://{LONG_NAME}/",
    "emptylabel": "http://a..example/",
    "bareprefix": "http://xn--/",
    "badpunycode": "http://xn--a-ecp.xn--99999999999.example/",
}


def test_host_names_dns_cannot_hold_are_invalid_cited_and_an_error_redirected_to(
    site: Host, tmp_path: Path
) -> None:
    bib = ""
    for name, url in BAD_HOSTS.items():
        site.route(f"/to-{name}", redirect(url))
        bib += entry(f"cited{name}", url) + entry(f"moved{name}", site.url(f"/to-{name}"))
    found = checked(project(tmp_path, bib), code=1)
    for name in BAD_HOSTS:
        cited, moved = found[f"cited{name}"], found[f"moved{name}"]
        assert (cited["status"], cited["reason"]) == ("invalid", "invalid-url"), name
        assert (moved["status"], moved["reason"]) == ("error", "redirect-invalid-url"), name
    assert "DNS" in found["citedname300"]["detail"]
    assert "Punycode" in found["movedbareprefix"]["detail"]
    assert {request.path for request in site.requests} == {f"/to-{name}" for name in BAD_HOSTS}


# Addresses lint lets through but the HTTP client will not send: an IPv4 part over 255, and
# a Punycode name (an emoji) that IDNA 2008 does not allow.
UNSENDABLE = {"octet": "http://256.1.1.1/", "emoji": "http://xn--ls8h.la/"}


def test_an_address_no_request_can_be_made_for_is_a_finding_cited_or_redirected_to(
    site: Host, tmp_path: Path
) -> None:
    bib = ""
    for name, url in UNSENDABLE.items():
        site.route(f"/to-{name}", redirect(url))
        bib += entry(f"cited{name}", url) + entry(f"moved{name}", site.url(f"/to-{name}"))
    bib += entry("linted", BAD_HOSTS["emptylabel"])
    folder = project(tmp_path, bib)

    result = run("verify", "--format", "json", "--fail-on", "warning", cwd=folder, code=1)

    report = json.loads(result.stdout)
    found = {source["key"]: source for source in report["sources"]}
    said = [(finding["subject"], finding["code"]) for finding in report["findings"]]
    findings = set(said)
    assert said.count(("linted", "CC306")) == 1, "an address lint finds invalid is said once"
    for name, url in UNSENDABLE.items():
        cited, moved = found[f"cited{name}"], found[f"moved{name}"]
        assert (cited["status"], cited["reason"]) == ("invalid", "invalid-url"), name
        assert (moved["status"], moved["reason"]) == ("error", "redirect-invalid-url"), name
        assert (f"cited{name}", "CC306") in findings, name
        assert (f"moved{name}", "CC503") in findings, name
        assert url in moved["detail"], moved["detail"]
        assert url in cited["detail"], cited["detail"]


NOWHERE = {
    "mailto": "mailto:someone@example.org",
    "javascript": "javascript:alert(1)",
    "data": "data:text/html,<h1>hi</h1>",
    "tel": "tel:+441234567",
    "ftp": "ftp://ftp.example.org/pub/data.csv",
    "file": "file:///etc/passwd",
    "about": "about:blank",
    "nonsense": "x-y+z.q:whatever",
}


def test_a_redirect_to_an_address_that_is_no_web_page_is_an_error(
    site: Host, tmp_path: Path
) -> None:
    bib = ""
    for name, location in NOWHERE.items():
        site.route(f"/{name}", redirect(location, code=301))
        bib += entry(name, site.url(f"/{name}"))
    site.route("/twice", redirect("/mailto", code=302))
    bib += entry("twice", site.url("/twice"))

    found = checked(project(tmp_path, bib))

    for key, source in found.items():
        assert source["status"] == "error", key
        assert source["reason"] == "redirect-unsupported-scheme", key
    assert "mailto:someone@example.org" in found["twice"]["detail"]
    assert [hop["url"] for hop in found["twice"]["redirects"]] == [
        site.url("/twice"),
        site.url("/mailto"),
    ]


def test_a_location_in_raw_latin1_is_followed_percent_encoded_with_the_archive_on(
    site: Host, tmp_path: Path
) -> None:
    site.route("/old", lambda request: raw(b"HTTP/1.1 302 Found\r\nLocation: /caf\xe9?q=\xff"))
    site.route("/utf8", lambda request: raw(b"HTTP/1.1 301 Moved\r\nLocation: /caf\xc3\xa9"))
    site.route("/caf%E9", html_page("Latin-1"))
    site.route("/caf%C3%A9", html_page("UTF-8"))
    folder = project(tmp_path, entry("old", site.url("/old")) + entry("utf8", site.url("/utf8")))

    saved = run("archive", "save", cwd=folder)

    assert "captured 2 of 2 sources" in saved.stdout
    assert "/caf%E9?q=%FF" in [request.target for request in site.requests]
    assert "/caf%C3%A9" in [request.target for request in site.requests]
    run("archive", "verify", cwd=folder)
    found = json.loads(run("verify", "--format", "json", cwd=folder).stdout)["sources"]
    assert [(s["status"], s["final_url"]) for s in found] == [
        ("alive", site.url("/caf%E9?q=%FF")),
        ("alive", site.url("/caf%C3%A9")),
    ]


STATUS_LINES = {
    "huge": b"HTTP/1.1 9223372036854775808 X",
    "four": b"HTTP/1.1 1000 X",
    "zero": b"HTTP/1.1 000 X",
    "low": b"HTTP/1.1 099 X",
    "negative": b"HTTP/1.1 -1 X",
    "empty": b"HTTP/1.1  X",
}


def test_a_status_code_out_of_range_is_a_malformed_response_and_the_archive_stays_whole(
    site: Host, tmp_path: Path
) -> None:
    bib = ""
    for name, line in STATUS_LINES.items():
        site.route(f"/{name}", lambda request, line=line: raw(line))
        bib += entry(name, site.url(f"/{name}"))
    bib += entry("fine", site.url("/fine"))
    folder = project(tmp_path, bib)

    saved = run("archive", "save", cwd=folder)

    assert "captured 1 of 7 sources" in saved.stdout
    assert "every digest matches" in run("archive", "verify", cwd=folder).stdout
    found = checked(folder)
    for name in STATUS_LINES:
        assert (found[name]["status"], found[name]["reason"]) == ("error", "malformed-response")
    assert found["fine"]["status"] == "alive"


REFRESHES = {
    "openv6": "http://[::1",
    "badport": "http://example.org:99999/",
    "javascript": "javascript:alert(1)",
    "badhost": f"http://{LONG_LABEL}.example/",
    "spaces": "http://exa mple.org/",
}


def test_a_meta_refresh_to_no_web_address_is_ignored_with_a_note(
    site: Host, tmp_path: Path
) -> None:
    bib = ""
    for name, target in REFRESHES.items():
        refresh = f'<meta http-equiv=refresh content="0;url={target}">'
        site.route(f"/{name}", page(f"<html><head>{refresh}<title>Stay</title></head></html>"))
        bib += entry(name, site.url(f"/{name}"))
    folder = project(tmp_path, bib)

    result = run("verify", "--format", "json", cwd=folder)

    for source in json.loads(result.stdout)["sources"]:
        assert (source["status"], source["reason"]) == ("alive", "ok"), source["key"]
        [note] = source["notes"]
        assert note["code"] == "refresh-ignored"
        assert "ignored" in note["message"]
    terminal = run("verify", cwd=folder, NO_COLOR="1").stdout
    assert "refresh-ignored" in terminal
