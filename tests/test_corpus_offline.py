"""`verify` on every real bibliography of the corpus on machines without network: never dead.

The settings are the defaults a user gets (the default probe hosts among them, which the
stand-in resolvers cannot resolve either), except the pause between two tries of a failed
lookup (20 ms instead of 0.5 s, so that 57 runs take seconds, not minutes; it changes no
verdict) and where a test says why.
"""

from __future__ import annotations

import asyncio
import hashlib
import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from claimcheck.check.faults import LookupFailed, NameNotFound
from claimcheck.config import load_settings
from claimcheck.models import Report, SourceStatus
from claimcheck.verify import failed
from claimcheck.verify import run as run_verify
from tests.conftest import CORPUS
from tests.servers import Host, Request, Response, self_signed_cert

NAMES = sorted(path.name for path in CORPUS.glob("*.bib")) if CORPUS.is_dir() else []
STAND_IN = "127.77.0.1"


class Silent:
    """The resolver of a machine whose DNS answers nothing: every lookup is a temporary failure."""

    async def resolve(self, host: str, port: int) -> list[str]:
        raise LookupFailed(f"{host}: Temporary failure in name resolution")


class NoSuchName:
    """The resolver of a sandbox that answers NXDOMAIN for every name, as a gone domain."""

    async def resolve(self, host: str, port: int) -> list[str]:
        raise NameNotFound(f"{host}: Name or service not known")


class Dropping:
    """A resolver that drops most lookups (no answer at all) and answers NXDOMAIN to the rest."""

    async def resolve(self, host: str, port: int) -> list[str]:
        if _share(host) < 0.8:
            await asyncio.Event().wait()
        raise NameNotFound(f"{host}: Name or service not known")


class StandIn:
    """Answers some names with the loopback address where a server stands in for them."""

    def __init__(self, names: set[str]) -> None:
        self.names = names

    async def resolve(self, host: str, port: int) -> list[str]:
        if host.lower() in self.names:
            return [STAND_IN]
        raise NameNotFound(f"{host}: Name or service not known")


def _share(name: str) -> float:
    """A stable number in [0, 1) for ``name``: which names a stand-in treats which way."""
    return int(hashlib.sha256(name.encode()).hexdigest()[:8], 16) / 2**32


def verify(bib: Path, folder: Path, resolver: Any, **flags: Any) -> tuple[Report, int]:
    """`claimcheck verify` on ``bib`` in ``folder`` (a ledger without claims), and its exit code."""
    shutil.copy(bib, folder / "references.bib")
    (folder / "claims.yaml").write_text("version: 1\nclaims: []\n", encoding="utf-8")
    settings = load_settings(
        folder, flags={"cache_dir": folder / ".claimcheck", "backoff": 0.02, **flags}
    )
    report = run_verify(settings, now=datetime.now(UTC), resolver=resolver)
    return report, 1 if failed(report, settings.fail_on) else 0


def lint_exit_code(folder: Path) -> int:
    settings = load_settings(folder, flags={"check_links": False, "cache_dir": folder / ".c"})
    report = run_verify(settings, now=datetime.now(UTC))
    return 1 if failed(report, settings.fail_on) else 0


def fetched(report: Report) -> list[Any]:
    """The sources that needed the network: http(s) URLs with a host, and DOIs."""
    return [
        source
        for source in report.sources
        if source.kind == "doi" or (_scheme(source.url) in {"http", "https"} and _host(source.url))
    ]


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        return ""


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def assert_offline(report: Report, code: int, folder: Path) -> None:
    statuses = Counter(source.status for source in report.sources)
    assert SourceStatus.DEAD not in statuses
    assert {source.status for source in fetched(report)} <= {SourceStatus.UNREACHABLE}
    assert report.summary.network_unreachable == bool(fetched(report))
    assert report.summary.source_statuses.get(SourceStatus.UNREACHABLE, 0) == len(fetched(report))
    assert not any(f.code == "CC501" for f in report.findings)
    assert code == lint_exit_code(folder)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("resolver", [Silent(), NoSuchName()], ids=["silent", "nxdomain"])
def test_corpus_without_network_is_unreachable_never_dead(
    corpus: Path, name: str, resolver: Any, tmp_path: Path
) -> None:
    report, code = verify(corpus / name, tmp_path, resolver)

    assert_offline(report, code, tmp_path)


@pytest.mark.parametrize("name", NAMES)
def test_corpus_with_a_resolver_dropping_most_lookups_is_never_dead(
    corpus: Path, name: str, tmp_path: Path
) -> None:
    # A 50 ms lookup deadline, instead of 5 s, keeps the test short; nothing else changes.
    report, code = verify(corpus / name, tmp_path, Dropping(), dns_timeout=0.05)

    assert_offline(report, code, tmp_path)


def test_nothing_unreachable_is_cached_or_replayed_offline(corpus: Path, tmp_path: Path) -> None:
    bib = corpus / "zotero-native-export.bib"
    verify(bib, tmp_path, NoSuchName())

    report, _ = verify(bib, tmp_path, NoSuchName(), offline=True)

    statuses = {source.status for source in fetched(report)}
    assert SourceStatus.UNREACHABLE not in statuses
    assert SourceStatus.DEAD not in statuses
    assert statuses == {SourceStatus.UNCHECKED}


def _page(request: Request) -> Response:
    digest = hashlib.sha256(request.target.encode()).hexdigest()
    words = " ".join(digest[i : i + 5] for i in range(0, 60, 5))
    body = f"<html><head><title>{digest[:16]}</title></head><body><p>{words}</p></body></html>"
    return Response(200, [("Content-Type", "text/html; charset=utf-8")], body.encode())


@pytest.fixture
def stand_in() -> Iterator[None]:
    """Servers on ports 80 and 443 of one loopback address, answering any path with a page."""
    try:
        servers = [
            Host(STAND_IN, port=80, routes={"*": _page}),
            Host(STAND_IN, port=443, tls=self_signed_cert(STAND_IN), routes={"*": _page}),
        ]
    except PermissionError:
        pytest.skip("binding ports 80 and 443 needs root")
    try:
        yield
    finally:
        for server in servers:
            server.stop()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.usefixtures("stand_in")
def test_corpus_with_some_names_standing_in_on_loopback(
    corpus: Path, name: str, tmp_path: Path
) -> None:
    hosts = {_host(url) for url in _urls(corpus / name, tmp_path)}
    answered = {host for host in hosts if host and _share(host) < 0.3}

    # --allow-private: the stand-in servers are on loopback, which is skipped otherwise.
    report, _ = verify(corpus / name, tmp_path, StandIn(answered), allow_private=True)

    assert SourceStatus.DEAD not in {source.status for source in report.sources}
    for source in fetched(report):
        port = urlsplit(source.url).port if source.kind == "url" else None
        stands_in = source.kind == "url" and _host(source.url) in answered and port is None
        expected = SourceStatus.ALIVE if stands_in else SourceStatus.UNREACHABLE
        assert source.status is expected, (source.url, source.status, source.reason, source.detail)


def _urls(bib: Path, folder: Path) -> list[str]:
    shutil.copy(bib, folder / "references.bib")
    (folder / "claims.yaml").write_text("version: 1\nclaims: []\n", encoding="utf-8")
    settings = load_settings(folder, flags={"check_links": False, "cache_dir": folder / ".c"})
    report = run_verify(settings, now=datetime.now(UTC))
    return [source.url for source in report.sources if source.kind == "url"]
