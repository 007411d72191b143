"""A machine without network is told apart from dead domains: its sources are unreachable."""

from __future__ import annotations

from claimcheck.models import Reason, SourceStatus
from tests.checking import closed_port, run, source
from tests.helpers import OfflineResolver
from tests.servers import NXDOMAIN_URL, HostFactory, html_page

OFFLINE_PROBE = ("probe.invalid:443",)


def test_no_network_makes_every_source_unreachable_not_dead() -> None:
    sources = [source(NXDOMAIN_URL, "a"), source("https://doi.example.invalid/x", "b")]

    result = run(sources, OfflineResolver(), probe_hosts=OFFLINE_PROBE)

    assert result.network_unreachable
    assert [(s.status, s.reason) for s in result.sources] == [
        (SourceStatus.UNREACHABLE, Reason.NETWORK_UNREACHABLE)
    ] * 2
    assert all(s.http_status is None and s.checked_at is None for s in result.sources)


def test_unknown_domain_is_dead_when_the_probe_answers(hosts: HostFactory) -> None:
    (probe,) = hosts(1)

    result = run(
        [source(NXDOMAIN_URL)], OfflineResolver(), probe_hosts=(f"{probe.host}:{probe.port}",)
    )

    assert not result.network_unreachable
    assert (result.sources[0].status, result.sources[0].reason) == (
        SourceStatus.DEAD,
        Reason.DOMAIN_NOT_FOUND,
    )


def test_one_answering_host_proves_the_network_is_up(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", html_page("A"))

    result = run(
        [source(host.url("/a"), "a"), source(NXDOMAIN_URL, "b")],
        OfflineResolver(),
        probe_hosts=OFFLINE_PROBE,
    )

    assert not result.network_unreachable
    assert [s.status for s in result.sources] == [SourceStatus.ALIVE, SourceStatus.DEAD]


def test_refused_connections_without_network_are_unreachable(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    url = f"http://{host.host}:{closed_port(host.host)}/a"

    result = run([source(url)], OfflineResolver(), probe_hosts=OFFLINE_PROBE)

    assert result.network_unreachable
    assert result.sources[0].status is SourceStatus.UNREACHABLE


def test_skipped_and_invalid_sources_stay_as_they_are_without_network() -> None:
    sources = [source(NXDOMAIN_URL, "a"), source("http://", "b"), source("http://x.invalid/", "c")]

    result = run(sources, OfflineResolver(), probe_hosts=OFFLINE_PROBE, exclude=(r"x\.invalid",))

    assert result.network_unreachable
    assert [s.status for s in result.sources] == [
        SourceStatus.UNREACHABLE,
        SourceStatus.INVALID,
        SourceStatus.SKIPPED,
    ]


def test_nothing_to_fetch_is_not_offline() -> None:
    result = run([source("http://", "b")], OfflineResolver(), probe_hosts=OFFLINE_PROBE)

    assert not result.network_unreachable
