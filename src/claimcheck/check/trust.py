"""The certificates a run trusts: the system's store, SSL_CERT_FILE/SSL_CERT_DIR, a CA bundle."""

from __future__ import annotations

import os
import platform
import re
import ssl
from pathlib import Path

# Where Linux and BSD distributions keep their bundle, when OpenSSL's own default is empty
# (truststore's list, after certifi-system-store).
_SYSTEM_BUNDLES = (
    "/etc/ssl/cert.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/pki/tls/cert.pem",
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/ssl/ca-bundle.pem",
)
_HASHED_NAME = re.compile(r"^[0-9a-fA-F]{8}\.[0-9]$")
# Where the operating system verifies certificates itself (Security.framework, CryptoAPI).
NATIVE_VERIFIER = platform.system() in {"Darwin", "Windows"}


def verifying_context(ca_bundle: Path | None = None) -> ssl.SSLContext:
    """A client context trusting the system's store, SSL_CERT_FILE/SSL_CERT_DIR and ``ca_bundle``.

    On macOS and Windows it is truststore's, which asks the operating system. Elsewhere the
    system's store is OpenSSL's: truststore would load it again for every handshake (about
    50 ms of CPU each), so it is loaded here once, the way truststore does.
    """
    context = native_context() if NATIVE_VERIFIER else openssl_context()
    if ca_bundle is not None:
        context.load_verify_locations(cafile=str(ca_bundle))
    return context


def unverified_context() -> ssl.SSLContext:
    """A client context that verifies nothing (for the retry of a failed verification)."""
    # No certificates to load (that alone takes 50 ms): nothing is verified.
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def openssl_context() -> ssl.SSLContext:
    """OpenSSL's default store (SSL_CERT_FILE and SSL_CERT_DIR override it), else the
    distribution's bundle, else certifi's roots where the system has none at all."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    defaults = ssl.get_default_verify_paths()
    if defaults.cafile or (defaults.capath and _holds_certificates(defaults.capath)):
        context.set_default_verify_paths()
        return context
    bundle = next((path for path in _SYSTEM_BUNDLES if Path(path).is_file()), None)
    if bundle is None:
        import certifi

        bundle = certifi.where()
    context.load_verify_locations(cafile=bundle)
    return context


def native_context() -> ssl.SSLContext:
    """truststore's context (the operating system verifies), plus SSL_CERT_FILE and
    SSL_CERT_DIR's certificates, which truststore alone ignores there."""
    import truststore

    context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    for path in _environment_certificates():
        try:
            context.load_verify_locations(cafile=str(path))
        except (OSError, ssl.SSLError):
            continue  # OpenSSL skips what is no certificate file too
    return context


def check_bundle(path: Path) -> None:
    """Raise ValueError unless ``path`` is a readable PEM file of certificates."""
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cafile=str(path))
    except ssl.SSLError:
        raise ValueError(f"{path} holds no PEM certificate") from None
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error.strerror or error}") from None


def _environment_certificates() -> list[Path]:
    files = []
    if cert_file := os.environ.get("SSL_CERT_FILE"):
        files.append(Path(cert_file))
    if cert_dir := os.environ.get("SSL_CERT_DIR"):
        for folder in cert_dir.split(os.pathsep):
            if Path(folder).is_dir():
                files += sorted(path for path in Path(folder).iterdir() if path.is_file())
    return [path for path in files if path.is_file()]


def _holds_certificates(folder: str) -> bool:
    """Whether ``folder`` holds OpenSSL's hashed certificate names (``1a2b3c4d.0``)."""
    try:
        return any(_HASHED_NAME.match(path.name) for path in Path(folder).iterdir())
    except OSError:
        return False
