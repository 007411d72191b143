"""DOIs go through the DOI resolver's handle API from the command line, `--doi-resolver` honoured.

W1: `collect_sources` never set `Source.doi`, so every DOI was fetched as the page
`https://doi.org/<doi>` and `--doi-resolver` was ignored; the unit tests of check_doi passed
because they built their sources by hand. These run `claimcheck verify` itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from tests.servers import Host, HostFactory, Request, Response, html_page
from tests.test_cli_archive import project, run

REGISTERED = (
    "10.1234/alive",
    "10.5555/ABC-def(1)",
    "10.1300/J010v41n03_01",
    "10.1300/J010v41n03_03",
)
UNKNOWN = ("10.1234/gone",)


def handle_api(publisher: Host) -> Any:
    """The handle API of a DOI resolver: responseCode 1 for REGISTERED, else 100."""

    def answer(request: Request) -> Response:
        doi = unquote(request.path.removeprefix("/api/handles/"))
        known = {doi.lower() for doi in REGISTERED}
        if doi in known:
            value = {"type": "URL", "data": {"value": publisher.url(f"/article/{doi}")}}
            body = {"responseCode": 1, "handle": doi, "values": [value]}
            return Response(200, [("Content-Type", "application/json")], json.dumps(body).encode())
        body = {"responseCode": 100, "handle": doi}
        return Response(404, [("Content-Type", "application/json")], json.dumps(body).encode())

    return answer


@pytest.fixture
def resolver_and_publisher(hosts: HostFactory) -> tuple[Host, Host]:
    resolver, publisher = hosts(2)
    resolver.route("*", handle_api(publisher))
    publisher.route("*", html_page("The article"))
    return resolver, publisher


BIB = """@article{alive, title = {A}, doi = {10.1234/alive}}
@article{odd, title = {B}, doi = {https://doi.org/10.5555/ABC-def(1)}}
@online{viaurl, title = {C}, url = {https://doi.org/10.1234/alive}}
@article{gone, title = {D}, doi = {doi:10.1234/gone}}
"""


@pytest.mark.parametrize("where", ["flag", "setting"])
def test_verify_asks_the_handle_api_of_the_configured_resolver_and_never_the_publisher(
    resolver_and_publisher: tuple[Host, Host], tmp_path: Path, where: str
) -> None:
    resolver, publisher = resolver_and_publisher
    setting = f'doi_resolver = "{resolver.base_url}"\n' if where == "setting" else ""
    folder = project(tmp_path, BIB, setting)
    flag = ["--doi-resolver", resolver.base_url] if where == "flag" else []

    result = run("verify", "--format", "json", *flag, cwd=folder, code=1)

    sources = json.loads(result.stdout)["sources"]
    found = {source["doi"]: source for source in sources}
    assert all(source["kind"] == "doi" for source in sources)
    assert found["10.1234/alive"]["keys"] == ["alive", "viaurl"]
    for doi in ("10.1234/alive", "10.5555/abc-def(1)"):
        assert (found[doi]["status"], found[doi]["reason"]) == ("alive", "doi-registered")
    gone = found["10.1234/gone"]
    assert (gone["status"], gone["reason"]) == ("dead", "doi-not-found")
    asked = ["/api/handles/10.1234/alive", "/api/handles/10.5555/abc-def%281%29"]
    asked.append("/api/handles/10.1234/gone")
    assert sorted(request.path for request in resolver.requests) == sorted(asked)
    assert publisher.requests == []


def test_a_resolver_that_cannot_be_reached_is_a_resolver_error_not_a_dead_doi(
    tmp_path: Path,
) -> None:
    folder = project(tmp_path, BIB)

    result = run("verify", "--format", "json", "--doi-resolver", "http://127.0.0.1:9", cwd=folder)

    for source in json.loads(result.stdout)["sources"]:
        assert (source["status"], source["reason"]) == ("error", "doi-resolver-error")
        assert source["detail"].startswith("the DOI resolver could not be reached")


# As the Web of Science exports them: braces around the DOI, LaTeX's escape of the underscore.
ESCAPED_BIB = r"""@article{wos, title = {E}, doi = {{10.1300/J010v41n03\_01}}}
@article{grouped, title = {F}, doi = {10.1300/J010v41n03{\_}03}}
"""


def test_latex_escaped_doi_in_braces_is_no_finding_and_is_asked_as_the_doi_it_escapes(
    resolver_and_publisher: tuple[Host, Host], tmp_path: Path
) -> None:
    resolver, _ = resolver_and_publisher
    folder = project(tmp_path, ESCAPED_BIB)

    linted = run("lint", "--format", "json", cwd=folder)
    verified = run("verify", "--format", "json", "--doi-resolver", resolver.base_url, cwd=folder)

    # Evidence without a quote is all lint finds: the ledger cites each key without one.
    assert {f["code"] for f in json.loads(linted.stdout)["findings"]} == {"CC105"}
    sources = json.loads(verified.stdout)["sources"]
    assert [(s["doi"], s["keys"], s["status"]) for s in sources] == [
        ("10.1300/j010v41n03_01", ["wos"], "alive"),
        ("10.1300/j010v41n03_03", ["grouped"], "alive"),
    ]
    assert sorted(request.path for request in resolver.requests) == [
        "/api/handles/10.1300/j010v41n03_01",
        "/api/handles/10.1300/j010v41n03_03",
    ]
