"""The checker touches only what it may, reads only what it must, and trusts TLS carefully."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from claimcheck.models import NoteCode, Reason, Source, SourceStatus
from tests.checking import CountingResolver, check, note_codes
from tests.servers import (
    HTML,
    HostFactory,
    drip,
    endless,
    gzip_bomb,
    gzip_zeros,
    html_page,
    redirect,
    status,
)

MiB = 1024 * 1024
METADATA = "169.254.169.254"

# Addresses -------------------------------------------------------------------------------


def test_private_address_is_skipped_without_a_request(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", html_page("A"))

    result = check(host.url("/a"), allow_private=False)

    assert (result.status, result.reason) == (SourceStatus.SKIPPED, Reason.PRIVATE_ADDRESS)
    assert host.requests == []


def test_name_resolving_to_a_private_address_is_skipped(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", html_page("A"))
    resolver = CountingResolver({"intranet.test": host.host})

    result = check(f"http://intranet.test:{host.port}/a", resolver, allow_private=False)

    assert (result.status, result.reason) == (SourceStatus.SKIPPED, Reason.PRIVATE_ADDRESS)
    assert host.requests == []


def test_private_address_is_checked_when_allowed(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", html_page("A"))

    assert check(host.url("/a"), allow_private=True).status is SourceStatus.ALIVE


@pytest.mark.parametrize("allow_private", [False, True])
def test_link_local_address_is_forbidden(allow_private: bool) -> None:
    started = time.monotonic()

    result = check(f"http://{METADATA}/latest/meta-data/", allow_private=allow_private)

    assert (result.status, result.reason) == (SourceStatus.SKIPPED, Reason.FORBIDDEN_ADDRESS)
    assert time.monotonic() - started < 1  # no connection was even tried


def test_name_resolving_to_the_metadata_address_is_forbidden() -> None:
    resolver = CountingResolver({"metadata.test": METADATA})

    result = check("http://metadata.test/latest/", resolver)

    assert (result.status, result.reason) == (SourceStatus.SKIPPED, Reason.FORBIDDEN_ADDRESS)


def test_redirect_to_the_metadata_address_is_forbidden(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", redirect(f"http://{METADATA}/latest/meta-data/"))

    result = check(host.url("/a"))

    assert (result.status, result.reason) == (SourceStatus.SKIPPED, Reason.FORBIDDEN_ADDRESS)
    assert [hop.url for hop in result.redirects] == [host.url("/a")]


# Bodies ----------------------------------------------------------------------------------


def _peak_during(action: Callable[[], object]) -> int:
    """The most memory Python held at once while ``action`` ran."""
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_decompression_bomb_is_read_no_further_than_the_cap(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    gzip_zeros(1 << 30)  # build the bomb before measuring
    host.route("/bomb", gzip_bomb())
    results: list[Source] = []
    started = time.monotonic()

    peak = _peak_during(lambda: results.append(check(host.url("/bomb"), max_body=MiB)))

    (result,) = results
    assert result.status is SourceStatus.ALIVE
    assert note_codes(result) == [NoteCode.BODY_TRUNCATED]
    assert "1 MiB" in result.notes[0].message
    assert peak < 50 * MiB
    assert time.monotonic() - started < 5


def test_endless_body_is_read_no_further_than_the_cap(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/endless", endless())
    results: list[Source] = []

    peak = _peak_during(lambda: results.append(check(host.url("/endless"), max_body=MiB)))

    assert results[0].status is SourceStatus.ALIVE
    assert note_codes(results[0]) == [NoteCode.BODY_TRUNCATED]
    assert peak < 50 * MiB


def test_slow_drip_ends_by_the_total_deadline(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/drip", drip(interval=0.1))
    started = time.monotonic()

    result = check(host.url("/drip"), timeout=1, read_timeout=1)

    assert (result.status, result.reason) == (SourceStatus.TIMEOUT, Reason.TOTAL_TIMEOUT)
    assert time.monotonic() - started < 2


def test_a_robot_check_answered_503_is_a_bot_challenge(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    body = b"<!doctype html><title>Robot Check</title><p>Type the characters you see.</p>"
    host.route("/dp/1", status(503, [("Content-Type", HTML)], body))

    result = check(host.url("/dp/1"))

    assert (result.status, result.reason) == (SourceStatus.BLOCKED, Reason.BOT_CHALLENGE)


def test_a_refusal_asking_the_reader_to_prove_they_are_human_is_a_bot_challenge(
    hosts: HostFactory,
) -> None:
    """Amazon's robot check: a 503 titled with the shop's name."""
    (host,) = hosts(1)
    body = (
        b"<!doctype html><title>Amazon.com</title><h4>Enter the characters you see below</h4>"
        b"<p>Sorry, we just need to make sure you're not a robot.</p>"
    )
    host.route("/dp/1", status(503, [("Content-Type", HTML)], body))

    result = check(host.url("/dp/1"))

    assert (result.status, result.reason) == (SourceStatus.BLOCKED, Reason.BOT_CHALLENGE)


def test_undecodable_body_is_noted_not_judged(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/br", status(200, [("Content-Type", HTML), ("Content-Encoding", "br")], b"\x0b"))

    result = check(host.url("/br"))

    assert result.status is SourceStatus.ALIVE
    assert note_codes(result) == [NoteCode.BODY_TRUNCATED]
    assert "br" in result.notes[0].message


@pytest.mark.parametrize("declared", ["UTF-8", "none", "gzip"])
def test_body_under_an_encoding_that_compresses_nothing_is_read_as_it_came(
    hosts: HostFactory, declared: str
) -> None:
    """Content-Encoding: UTF-8 (a charset in the wrong header), none, or gzip over a body that
    is no gzip: the page is plain HTML, and its title read (here, a not-found notice)."""
    (host,) = hosts(1)
    body = b"<!doctype html><title>Page not found</title><h1>Page not found</h1>"
    host.route("/a", status(200, [("Content-Type", HTML), ("Content-Encoding", declared)], body))

    result = check(host.url("/a"))

    assert (result.status, result.reason) == (SourceStatus.DEAD, Reason.SOFT_404_TITLE)
    assert note_codes(result) == []


# TLS -------------------------------------------------------------------------------------


def test_trusted_certificate_is_alive_without_a_note(hosts: HostFactory, ca_bundle: Path) -> None:
    (host,) = hosts(1, tls=True)
    host.route("/a", html_page("Secure"))

    result = check(host.url("/a"), ca_bundle=ca_bundle)

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert result.notes == ()
    assert len(host.hits("/a")) == 1


@pytest.mark.parametrize(
    ("kind", "problem"),
    [
        ("expired", "expired"),
        ("self-signed", "self-signed"),
        ("untrusted", "issuer"),
        ("wrong-host", "mismatch"),
    ],
)
def test_bad_certificate_is_alive_with_an_insecure_tls_note(
    hosts: HostFactory, ca_bundle: Path, kind: str, problem: str
) -> None:
    (host,) = hosts(1, tls=kind)
    host.route("/a", html_page("Insecure"))

    result = check(host.url("/a"), ca_bundle=ca_bundle)

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert note_codes(result) == [NoteCode.INSECURE_TLS]
    assert problem in result.notes[0].message.lower()


def test_bad_certificate_does_not_hide_a_dead_page(hosts: HostFactory, ca_bundle: Path) -> None:
    (host,) = hosts(1, tls="expired")

    result = check(host.url("/missing"), ca_bundle=ca_bundle)

    assert (result.status, result.reason) == (SourceStatus.DEAD, Reason.NOT_FOUND)


def test_failed_tls_handshake_is_an_error(hosts: HostFactory) -> None:
    (host,) = hosts(1)  # plain HTTP, spoken to in TLS
    host.route("/a", html_page("A"))

    result = check(host.url("/a").replace("http://", "https://", 1))

    assert (result.status, result.reason) == (SourceStatus.ERROR, Reason.TLS_FAILED)
