"""Trust: the system's store, SSL_CERT_FILE and SSL_CERT_DIR, and --ca-bundle."""

from __future__ import annotations

import socket
import ssl
from pathlib import Path

import pytest

from claimcheck.check.trust import (
    native_context,
    openssl_context,
    unverified_context,
    verifying_context,
)
from claimcheck.models import NoteCode, Reason, SourceStatus
from tests.checking import check, note_codes
from tests.servers import Host, HostFactory, html_page

PAGE = html_page("A page behind a private CA")


def handshake(context: ssl.SSLContext, host: Host) -> None:
    """A TLS handshake with ``host``, verified by ``context`` (raises if it fails)."""
    with (
        socket.create_connection((host.host, host.port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname=host.host),
    ):
        pass


def test_ssl_cert_file_makes_a_private_ca_trusted(
    hosts: HostFactory, ca_bundle: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_bundle))
    (host,) = hosts(1, tls=True)
    host.route("/a", PAGE)
    result = check(host.url("/a"))
    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert NoteCode.INSECURE_TLS not in note_codes(result)


def test_ca_bundle_is_trusted_besides_the_system_store(hosts: HostFactory, ca_bundle: Path) -> None:
    (host,) = hosts(1, tls=True)
    host.route("/a", PAGE)
    result = check(host.url("/a"), ca_bundle=ca_bundle)
    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert NoteCode.INSECURE_TLS not in note_codes(result)
    context = verifying_context(ca_bundle)
    assert context.cert_store_stats()["x509_ca"] > 1  # the system's roots are there too


def test_a_private_ca_nobody_trusts_leaves_the_page_alive_with_a_warning(
    hosts: HostFactory,
) -> None:
    (host,) = hosts(1, tls=True)
    host.route("/a", PAGE)
    result = check(host.url("/a"))
    assert result.status is SourceStatus.ALIVE
    assert NoteCode.INSECURE_TLS in note_codes(result)


def test_an_empty_openssl_default_falls_back_to_a_system_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    assert openssl_context().cert_store_stats()["x509_ca"] > 0


def test_truststore_context_adds_the_certificates_of_ssl_cert_dir(
    hosts: HostFactory, ca_bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "certs"
    folder.mkdir()
    (folder / "private-ca.pem").write_bytes(ca_bundle.read_bytes())
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.setenv("SSL_CERT_DIR", str(folder))
    (host,) = hosts(1, tls=True)
    handshake(native_context(), host)


def test_the_retry_context_verifies_nothing(hosts: HostFactory) -> None:
    (host,) = hosts(1, tls="self-signed")
    handshake(unverified_context(), host)
    with pytest.raises(ssl.SSLCertVerificationError):
        handshake(verifying_context(), host)
