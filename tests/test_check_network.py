"""The network model: a failed name or connection is dead only when the probes prove the net up."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from claimcheck.models import Reason, SourceStatus
from tests.checking import ScriptedResolver, closed_port, run, source
from tests.helpers import OfflineResolver
from tests.servers import NXDOMAIN_URL, HostFactory, html_page

OFFLINE_PROBE = ("probe.invalid:443",)


class Listener:
    """A TCP port on loopback that accepts connections and counts them (a probe host)."""

    def __init__(self, address: str = "127.0.0.1") -> None:
        self._socket = socket.create_server((address, 0))
        self._socket.settimeout(0.1)
        self.address = address
        self.port: int = self._socket.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            self.accepted += 1
            connection.close()

    def count(self, settle: float = 0.5) -> int:
        """Connections accepted, once the accepting thread has caught up."""
        time.sleep(settle)
        return self.accepted

    @property
    def target(self) -> str:
        return f"{self.address}:{self.port}"

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._socket.close()


@pytest.fixture
def probe() -> Iterator[Listener]:
    listener = Listener()
    yield listener
    listener.close()


def statuses(result_sources: tuple[object, ...]) -> list[tuple[object, object]]:
    return [(s.status, s.reason) for s in result_sources]  # type: ignore[attr-defined]


def test_no_network_makes_every_source_unreachable_not_dead() -> None:
    sources = [source(NXDOMAIN_URL, "a"), source("https://doi.example.invalid/x", "b")]

    result = run(sources, OfflineResolver(), probe_hosts=OFFLINE_PROBE)

    assert result.network_unreachable
    assert statuses(result.sources) == [(SourceStatus.UNREACHABLE, Reason.NETWORK_UNREACHABLE)] * 2
    assert all(s.http_status is None and s.checked_at is None for s in result.sources)


def test_unknown_domain_is_dead_when_the_probe_answers(probe: Listener) -> None:
    result = run([source(NXDOMAIN_URL)], OfflineResolver(), probe_hosts=(probe.target,))

    assert not result.network_unreachable
    assert statuses(result.sources) == [(SourceStatus.DEAD, Reason.DOMAIN_NOT_FOUND)]
    assert probe.count() == 1


def test_an_answering_loopback_source_proves_nothing_about_the_public_network(
    hosts: HostFactory,
) -> None:
    (host,) = hosts(1)
    host.route("/a", html_page("A"))

    result = run(
        [source(host.url("/a"), "a"), source(NXDOMAIN_URL, "b")],
        OfflineResolver(),
        probe_hosts=OFFLINE_PROBE,
    )

    assert result.network_unreachable
    assert [s.status for s in result.sources] == [SourceStatus.ALIVE, SourceStatus.UNREACHABLE]


def test_an_invalid_url_does_not_hide_a_machine_without_network() -> None:
    sources = [
        source("http://", "bad"),
        *(source(f"http://gone{i}.invalid/", f"k{i}") for i in range(3)),
    ]

    result = run(sources, OfflineResolver(), probe_hosts=OFFLINE_PROBE)

    assert [s.status for s in result.sources] == [SourceStatus.INVALID] + [
        SourceStatus.UNREACHABLE
    ] * 3


def test_refused_connections_without_network_are_unreachable(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    url = f"http://{host.host}:{closed_port(host.host)}/a"

    result = run([source(url)], OfflineResolver(), probe_hosts=OFFLINE_PROBE)

    assert result.network_unreachable
    assert result.sources[0].status is SourceStatus.UNREACHABLE


def test_refused_connection_is_an_error_when_the_network_is_up(
    hosts: HostFactory, probe: Listener
) -> None:
    (host,) = hosts(1)
    url = f"http://{host.host}:{closed_port(host.host)}/a"

    result = run([source(url)], OfflineResolver(), probe_hosts=(probe.target,))

    assert statuses(result.sources) == [(SourceStatus.ERROR, Reason.CONNECTION_REFUSED)]


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


def test_probe_runs_once_per_run_beside_the_checks(probe: Listener) -> None:
    resolver = ScriptedResolver(names={"probe.test": "127.0.0.1"})
    sources = [source(f"http://gone{i}.invalid/", f"k{i}") for i in range(20)]

    result = run(sources, resolver, probe_hosts=(f"probe.test:{probe.port}",))

    assert {s.status for s in result.sources} == {SourceStatus.DEAD}
    assert resolver.lookups.count("probe.test") == 1
    assert probe.count() == 1


def test_probe_is_asked_even_when_every_source_answers(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", html_page("A"))
    resolver = ScriptedResolver()

    result = run([source(host.url("/a"))], resolver, probe_hosts=OFFLINE_PROBE)

    assert result.sources[0].status is SourceStatus.ALIVE
    assert not result.network_unreachable
    # Asked once, and once more after the backoff if the run lasts that long (a name said
    # not to exist is asked twice): nothing else is looked up.
    assert resolver.lookups[:1] == ["probe.invalid"]
    assert set(resolver.lookups) == {"probe.invalid"}


def test_probe_never_connects_to_a_private_address_without_allow_private() -> None:
    listener = Listener()
    try:
        resolver = ScriptedResolver(names={"probe.test": "127.0.0.1"})

        result = run(
            [source(NXDOMAIN_URL)],
            resolver,
            allow_private=False,
            probe_hosts=(f"probe.test:{listener.port}", listener.target),
        )
    finally:
        listener.close()

    assert listener.count() == 0
    assert result.sources[0].status is SourceStatus.UNREACHABLE


def test_probe_never_connects_to_a_metadata_address(probe: Listener) -> None:
    resolver = ScriptedResolver(names={"metadata.test": "169.254.169.254"})

    result = run(
        [source(NXDOMAIN_URL)],
        resolver,
        probe_hosts=("metadata.test:80", "169.254.169.254:80", "[fd00:ec2::254]:80"),
    )

    assert result.sources[0].status is SourceStatus.UNREACHABLE


def test_lookup_that_times_out_is_retried_then_a_timeout_never_dead(probe: Listener) -> None:
    resolver = ScriptedResolver(script={"slow.test": ["hang"]})

    result = run(
        [source("http://slow.test/a")],
        resolver,
        probe_hosts=(probe.target,),
        dns_timeout=0.2,
        dns_attempts=3,
    )

    assert statuses(result.sources) == [(SourceStatus.TIMEOUT, Reason.DNS_TIMEOUT)]
    assert resolver.lookups.count("slow.test") == 3


def test_temporary_lookup_failure_is_retried_then_dns_failed(probe: Listener) -> None:
    resolver = ScriptedResolver(script={"flaky.test": ["again"]})

    result = run([source("http://flaky.test/a")], resolver, probe_hosts=(probe.target,))

    assert statuses(result.sources) == [(SourceStatus.ERROR, Reason.DNS_FAILED)]
    assert resolver.lookups.count("flaky.test") == 3


def test_temporary_lookup_failure_then_an_answer_is_alive(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", html_page("A"))
    resolver = ScriptedResolver(
        names={"flaky.test": host.host}, script={"flaky.test": ["again", "hang", "answer"]}
    )

    result = run(
        [source(f"http://flaky.test:{host.port}/a")], resolver, dns_timeout=0.2, dns_attempts=3
    )

    assert result.sources[0].status is SourceStatus.ALIVE


def test_name_said_unknown_once_then_answered_is_alive(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", html_page("A"))
    resolver = ScriptedResolver(
        names={"flaky.test": host.host}, script={"flaky.test": ["nxdomain", "answer"]}
    )

    result = run([source(f"http://flaky.test:{host.port}/a")], resolver, backoff=0.01)

    assert result.sources[0].status is SourceStatus.ALIVE
    assert resolver.lookups == ["flaky.test", "flaky.test"]


def test_name_said_unknown_twice_is_dead(probe: Listener) -> None:
    resolver = ScriptedResolver(script={"gone.test": ["nxdomain", "nxdomain", "answer"]})

    result = run(
        [source("http://gone.test/a")], resolver, probe_hosts=(probe.target,), backoff=0.01
    )

    assert statuses(result.sources) == [(SourceStatus.DEAD, Reason.DOMAIN_NOT_FOUND)]
    assert resolver.lookups == ["gone.test", "gone.test"]


def test_a_single_dns_attempt_takes_the_first_unknown_name_as_final(probe: Listener) -> None:
    resolver = ScriptedResolver(script={"gone.test": ["nxdomain", "answer"]})

    result = run(
        [source("http://gone.test/a")], resolver, probe_hosts=(probe.target,), dns_attempts=1
    )

    assert statuses(result.sources) == [(SourceStatus.DEAD, Reason.DOMAIN_NOT_FOUND)]
    assert resolver.lookups == ["gone.test"]


def test_lookup_failures_without_network_are_unreachable() -> None:
    resolver = ScriptedResolver(script={"a.test": ["hang"], "b.test": ["again"]})

    started = time.monotonic()
    result = run(
        [source("http://a.test/"), source("http://b.test/")],
        resolver,
        probe_hosts=OFFLINE_PROBE,
        dns_timeout=0.2,
    )

    assert [s.status for s in result.sources] == [SourceStatus.UNREACHABLE] * 2
    assert time.monotonic() - started < 3


def test_one_lookup_per_host_shared_by_every_request_in_flight(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    for i in range(20):
        host.route(f"/{i}", html_page(str(i)))
    resolver = ScriptedResolver(names={"one.test": host.host}, delay=0.2)

    result = run([source(f"http://one.test:{host.port}/{i}", f"k{i}") for i in range(20)], resolver)

    assert {s.status for s in result.sources} == {SourceStatus.ALIVE}
    assert resolver.lookups == ["one.test"]


def test_failed_lookups_are_remembered_for_the_run(probe: Listener) -> None:
    resolver = ScriptedResolver()

    run(
        [source(f"http://gone.invalid/{i}", f"k{i}") for i in range(10)],
        resolver,
        probe_hosts=(probe.target,),
    )

    assert resolver.lookups.count("gone.invalid") == 2  # asked, confirmed, then remembered


def test_lookups_in_flight_are_bounded(probe: Listener) -> None:
    resolver = ScriptedResolver(delay=0.05)

    result = run(
        [source(f"http://gone{i}.invalid/", f"k{i}") for i in range(60)],
        resolver,
        probe_hosts=(probe.target,),
        dns_in_flight=4,
    )

    assert {s.status for s in result.sources} == {SourceStatus.DEAD}
    assert resolver.most_busy <= 4
