"""Why a request got no usable answer: one exception tree, each class naming its failure.

Every low-level error (a resolver's, a socket's, TLS's, the HTTP parser's) is mapped once, by
type, where it happens, into one of these classes; the fetcher turns a fault into a
``Failure`` by its class alone, never by the words of a message. Each class is also the httpx
exception of the same meaning, so httpx's client lets it through unchanged.

    Fault
    ├── NameNotFound        the name does not exist (NXDOMAIN, no address)       name-not-found
    ├── LookupFailed        the resolver could not answer (SERVFAIL, EAI_AGAIN)  lookup-failed
    ├── LookupTimeout       the resolver did not answer in time                  lookup-timeout
    ├── AddressRefused      every address is one claimcheck must not reach       private/forbidden
    ├── ConnectionRefused   the host refused the connection                      refused
    ├── ConnectFailed       no route, host unreachable, another socket error     connect-failed
    ├── ConnectTimeout      the connection was not accepted in time              connect-timeout
    ├── TLSVerifyFailed     the certificate failed verification                  tls-verify
    ├── TLSFailed           the TLS handshake failed                             tls
    ├── ProxyFailed         the proxy refused or failed the tunnel               proxy-failed
    ├── ReadTimeout         the server stopped sending                           read-timeout
    ├── ConnectionReset     the connection closed or was reset mid-answer        reset
    ├── ProtocolViolation   the answer is not valid HTTP/1.1 (h11 says so)       malformed
    └── InvalidRequest      the request cannot be sent as HTTP/1.1               internal-error
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

import httpx

from claimcheck.check.safety import AddressClass


class Failure(StrEnum):
    """Why a fetch got no usable HTTP response."""

    NAME_NOT_FOUND = "name-not-found"
    LOOKUP_FAILED = "lookup-failed"
    LOOKUP_TIMEOUT = "lookup-timeout"
    REFUSED = "refused"
    CONNECT_FAILED = "connect-failed"
    RESET = "reset"
    TLS = "tls"
    TLS_VERIFY = "tls-verify"
    PROXY_FAILED = "proxy-failed"
    CONNECT_TIMEOUT = "connect-timeout"
    READ_TIMEOUT = "read-timeout"
    TOTAL_TIMEOUT = "total-timeout"
    HOST_UNRESPONSIVE = "host-unresponsive"
    RUN_DEADLINE = "run-deadline"
    REDIRECT_LOOP = "redirect-loop"
    TOO_MANY_REDIRECTS = "too-many-redirects"
    MALFORMED = "malformed"
    FORBIDDEN_ADDRESS = "forbidden-address"
    PRIVATE_ADDRESS = "private-address"
    UNSUPPORTED_SCHEME = "unsupported-scheme"
    REDIRECT_UNSUPPORTED_SCHEME = "redirect-unsupported-scheme"
    REDIRECT_INVALID_URL = "redirect-invalid-url"
    INVALID_URL = "invalid-url"
    INTERNAL = "internal-error"


class Fault(httpx.TransportError):
    """A request that got no usable answer, and why (``failure``)."""

    failure: ClassVar[Failure] = Failure.CONNECT_FAILED

    def __init__(self, message: str) -> None:
        super().__init__(message)

    @property
    def reason(self) -> Failure:
        """The failure this fault stands for."""
        return self.failure


class NameNotFound(Fault, httpx.ConnectError):
    """The host name does not exist (NXDOMAIN, or no address of a usable family)."""

    failure = Failure.NAME_NOT_FOUND


class LookupFailed(Fault, httpx.ConnectError):
    """The resolver could not answer (a temporary failure, SERVFAIL, no resolver reachable)."""

    failure = Failure.LOOKUP_FAILED


class LookupTimeout(Fault, httpx.ConnectTimeout):
    """The resolver gave no answer in time, even after retries."""

    failure = Failure.LOOKUP_TIMEOUT


class AddressRefused(Fault, httpx.ConnectError):
    """Every address of the host is one claimcheck must not connect to."""

    def __init__(self, message: str, kind: AddressClass) -> None:
        super().__init__(message)
        self.kind = kind

    @property
    def reason(self) -> Failure:
        """Forbidden (never reached) or private (reached with --allow-private)."""
        if self.kind is AddressClass.FORBIDDEN:
            return Failure.FORBIDDEN_ADDRESS
        return Failure.PRIVATE_ADDRESS


class ConnectionRefused(Fault, httpx.ConnectError):
    """The host answered the connection with a refusal (nothing listens there)."""

    failure = Failure.REFUSED


class ConnectFailed(Fault, httpx.ConnectError):
    """The connection could not be made: no route, host unreachable, another socket error."""

    failure = Failure.CONNECT_FAILED


class ConnectTimeout(Fault, httpx.ConnectTimeout):
    """The connection was not accepted in time."""

    failure = Failure.CONNECT_TIMEOUT


class TLSVerifyFailed(Fault, httpx.ConnectError):
    """The server's certificate failed verification (expired, wrong host, unknown CA)."""

    failure = Failure.TLS_VERIFY


class TLSFailed(Fault, httpx.ConnectError):
    """The TLS handshake failed, verification aside."""

    failure = Failure.TLS


class ProxyFailed(Fault, httpx.ProxyError):
    """The proxy refused the tunnel, failed to reach the target, or is not reachable itself."""

    failure = Failure.PROXY_FAILED


class ReadTimeout(Fault, httpx.ReadTimeout):
    """The server stopped sending for longer than the read deadline."""

    failure = Failure.READ_TIMEOUT


class ConnectionReset(Fault, httpx.ReadError):
    """The connection was closed or reset before the answer was complete."""

    failure = Failure.RESET


class BodyCutShort(ConnectionReset):
    """The connection was closed or reset after the answer's head, before its body was
    complete: the status and headers stand, and what came of the body."""


class ProtocolViolation(Fault, httpx.RemoteProtocolError):
    """The answer does not follow HTTP/1.1: h11, the reference parser, refuses it."""

    failure = Failure.MALFORMED


class InvalidRequest(Fault, httpx.LocalProtocolError):
    """h11 refuses to send the request: a configured header (User-Agent, ``extra_headers``)
    with a line break or a character HTTP forbids.

    Not the URL's fault: httpx percent-encodes or refuses every URL h11 could not send.
    """

    failure = Failure.INTERNAL


# httpx's own exceptions (raised by httpx itself, not by claimcheck's transport), by type.
_HTTPX_FAILURES: tuple[tuple[type[httpx.HTTPError], Failure], ...] = (
    (httpx.ConnectTimeout, Failure.CONNECT_TIMEOUT),
    (httpx.TimeoutException, Failure.READ_TIMEOUT),
    (httpx.ProxyError, Failure.PROXY_FAILED),
    (httpx.ConnectError, Failure.CONNECT_FAILED),
    (httpx.RemoteProtocolError, Failure.MALFORMED),
    (httpx.DecodingError, Failure.MALFORMED),
    (httpx.ReadError, Failure.RESET),
    (httpx.WriteError, Failure.RESET),
    (httpx.UnsupportedProtocol, Failure.UNSUPPORTED_SCHEME),
    (httpx.TooManyRedirects, Failure.TOO_MANY_REDIRECTS),
)


def failure_of(error: httpx.HTTPError) -> Failure:
    """The failure an exception raised while fetching stands for, judged by its type alone."""
    if isinstance(error, Fault):
        return error.reason
    for kind, failure in _HTTPX_FAILURES:
        if isinstance(error, kind):
            return failure
    return Failure.CONNECT_FAILED
