"""DOIs are asked of the resolver's handle API; a resolver in trouble never makes a DOI dead."""

from __future__ import annotations

import json

from claimcheck.models import Reason, SourceStatus
from tests.checking import closed_port, doi_source, run
from tests.helpers import OfflineResolver
from tests.servers import Host, HostFactory, page, status

DOI = "10.1000/xyz-123"
HANDLE = f"/api/handles/{DOI}"


def _handle(code: int) -> bytes:
    return json.dumps({"responseCode": code, "handle": DOI}).encode()


def _resolver(hosts: HostFactory) -> Host:
    (host,) = hosts(1)
    return host


def test_registered_doi_is_alive(hosts: HostFactory) -> None:
    host = _resolver(hosts)
    host.route(HANDLE, page(_handle(1), content_type="application/json"))

    result = run([doi_source(DOI)], doi_resolver=host.base_url).sources[0]

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.DOI_REGISTERED)
    assert result.http_status == 200
    assert [request.target for request in host.requests] == [HANDLE]


def test_unknown_doi_is_dead(hosts: HostFactory) -> None:
    host = _resolver(hosts)
    host.route(HANDLE, page(_handle(100), status=404, content_type="application/json"))

    result = run([doi_source(DOI)], doi_resolver=host.base_url).sources[0]

    assert (result.status, result.reason) == (SourceStatus.DEAD, Reason.DOI_NOT_FOUND)
    assert len(host.requests) == 1


def test_doi_characters_that_would_change_the_address_are_quoted(hosts: HostFactory) -> None:
    host = _resolver(hosts)
    doi = "10.1000/a?b#c d"
    host.route(
        "/api/handles/10.1000/a%3Fb%23c%20d", page(_handle(1), content_type="application/json")
    )

    result = run([doi_source(doi)], doi_resolver=host.base_url).sources[0]

    assert result.status is SourceStatus.ALIVE


def test_failing_resolver_is_an_error_never_dead(hosts: HostFactory) -> None:
    host = _resolver(hosts)
    host.route(HANDLE, status(500, [("Content-Type", "text/plain")], b"down"))

    result = run([doi_source(DOI)], doi_resolver=host.base_url, retries=2).sources[0]

    assert (result.status, result.reason) == (SourceStatus.ERROR, Reason.DOI_RESOLVER_ERROR)
    assert len(host.requests) == 3


def test_resolver_answering_404_without_a_handle_is_an_error(hosts: HostFactory) -> None:
    host = _resolver(hosts)  # a 404 that is not the handle API's "no such DOI"

    result = run([doi_source(DOI)], doi_resolver=host.base_url).sources[0]

    assert (result.status, result.reason) == (SourceStatus.ERROR, Reason.DOI_RESOLVER_ERROR)


def test_refusing_resolver_is_an_error_never_dead(hosts: HostFactory) -> None:
    host = _resolver(hosts)
    resolver_url = f"http://{host.host}:{closed_port(host.host)}"

    result = run([doi_source(DOI)], doi_resolver=resolver_url).sources[0]

    assert result.status is SourceStatus.ERROR


def test_resolver_whose_name_does_not_resolve_is_an_error_never_dead() -> None:
    result = run([doi_source(DOI)], OfflineResolver(), doi_resolver="https://doi.invalid").sources[
        0
    ]

    assert (result.status, result.reason) == (SourceStatus.ERROR, Reason.DOI_RESOLVER_ERROR)


def test_doi_is_unreachable_without_network() -> None:
    result = run(
        [doi_source(DOI)],
        OfflineResolver(),
        doi_resolver="https://doi.invalid",
        probe_hosts=("probe.invalid:443",),
    )

    assert result.network_unreachable
    assert result.sources[0].status is SourceStatus.UNREACHABLE
