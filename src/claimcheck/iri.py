"""A cited URL (an IRI, perhaps) as the URI a browser sends: IDNA host, UTF-8 percent-escapes."""

from __future__ import annotations

import functools
import ipaddress
import re
from urllib.parse import unquote

import idna

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
# Schemes whose URLs always have a host (WHATWG's "special" schemes, less file:).
_SPECIAL = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))
_REMOVED = str.maketrans("", "", "\t\n\r")
# What a browser escapes besides controls and non-ASCII (WHATWG's percent-encode sets).
_FRAGMENT_SET = frozenset(' "<>`')
_QUERY_SET = frozenset(' "#<>')
_PATH_SET = _QUERY_SET | frozenset("?`{}")
_USERINFO_SET = _PATH_SET | frozenset("/:;=@[\\]^|")
# Characters no host name may hold (WHATWG's forbidden domain code points, less controls).
_FORBIDDEN_IN_HOST = frozenset(" #%/:<>?@[\\]^|")
_LABEL_DOTS = re.compile("[.\u3002\uff0e\uff61]")
_SINGLE_DOT = frozenset({".", "%2e"})
_DOUBLE_DOT = frozenset({"..", ".%2e", "%2e.", "%2e%2e"})
_LONE_BYTE = range(0xDC80, 0xDD00)
_REPLACEMENT = "%EF%BF%BD"
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_MAX_NAME = 253
_MAX_LABEL = 63


class InvalidURL(ValueError):
    """A URL no browser would send: no host where one is needed, a bad port or host name."""


def to_uri(iri: str) -> str:
    """The URI a browser sends for ``iri``: ASCII, and the same when converted again.

    The scheme and host are lower-cased, the host put in IDNA form (UTS #46), a default port
    dropped; non-ASCII text and what browsers escape (spaces, quotes, ...) in the path, query
    and fragment are UTF-8 percent-escaped, and existing escapes are kept as they are. In http
    and https URLs a backslash is a slash, dot segments are resolved and an empty path is
    ``/``, as in browsers. Raises InvalidURL when there is no URI to send.
    """
    text = iri.strip(_C0_AND_SPACE).translate(_REMOVED)
    match = _SCHEME.match(text)
    scheme = match.group(0)[:-1].lower() if match else ""
    rest, fragment = _cut(text[match.end() :] if match else text, "#")
    rest, query = _cut(rest, "?")
    netloc: str | None = None
    if scheme in _SPECIAL:
        rest = rest.replace("\\", "/").lstrip("/")
        authority, slash, path = rest.partition("/")
        netloc, path = _authority(authority, scheme), _without_dot_segments(slash + path)
    elif rest.startswith("//"):
        authority, slash, path = rest[2:].partition("/")
        netloc, path = _authority(authority, scheme), slash + path
    else:
        path = rest
    uri = f"{scheme}:" if match else ""
    uri += (f"//{netloc}" if netloc is not None else "") + _encode(path, _PATH_SET)
    if query is not None:
        uri += "?" + _encode(query, _QUERY_SET)
    if fragment is not None:
        uri += "#" + _encode(fragment, _FRAGMENT_SET)
    return uri


def _cut(text: str, mark: str) -> tuple[str, str | None]:
    before, found, after = text.partition(mark)
    return before, after if found else None


def _authority(authority: str, scheme: str) -> str:
    userinfo, at, hostport = authority.rpartition("@")
    if hostport.startswith("["):
        end = hostport.find("]")
        host, after = hostport[: end + 1], hostport[end + 1 :]
        if end < 0 or (after and not after.startswith(":")):
            raise InvalidURL(f"the IPv6 address in {authority!r} is not closed by ]")
        port = after[1:] if after else None
    else:
        host, colon, port_text = hostport.partition(":")
        port = port_text if colon else None
    if not host and scheme in _SPECIAL:
        raise InvalidURL(f"{scheme}: URLs need a host")
    credentials = _userinfo(userinfo) if at else ""
    netloc = credentials + "@" if credentials else ""
    name = _host(host)
    if not name and scheme in _SPECIAL:
        # A host of only ignorable characters (a soft hyphen) maps to nothing, as in browsers.
        raise InvalidURL(f"the host {host!r} is empty once its ignorable characters go")
    netloc += name
    if port:
        if not port.isascii() or not port.isdigit() or int(port) > 65535:
            raise InvalidURL(f"{port!r} is not a port number")
        if int(port) != _SPECIAL.get(scheme):
            netloc += f":{int(port)}"
    return netloc


def _userinfo(userinfo: str) -> str:
    """User and password, escaped; as browsers write them, an empty password loses its colon
    and empty ones lose the @ too (``http://@host/`` is ``http://host/``)."""
    user, _, password = userinfo.partition(":")
    user, password = _encode(user, _USERINFO_SET), _encode(password, _USERINFO_SET)
    return f"{user}:{password}" if password else user


@functools.lru_cache(maxsize=4096)
def _host(host: str) -> str:
    """A host name in the ASCII form DNS knows: IDNA labels, lower case; an IPv6 address.

    Remembered: a bibliography cites many pages of few hosts.
    """
    if host.startswith("["):
        try:
            return f"[{ipaddress.IPv6Address(host[1:-1]).compressed}]"
        except ValueError:
            raise InvalidURL(f"{host} is not an IPv6 address") from None
    if "%" in host:
        try:
            host = unquote(host, errors="strict")
        except UnicodeDecodeError:
            raise InvalidURL(f"the escapes in the host {host!r} are not UTF-8") from None
    if host.isascii():
        name = host.lower()
    else:
        try:
            mapped = idna.uts46_remap(host, std3_rules=False, transitional=False)
        except (idna.IDNAError, UnicodeError, ValueError):
            raise InvalidURL(f"the host {host!r} holds characters no domain name can") from None
        name = ".".join(_label(label) for label in _LABEL_DOTS.split(mapped))
    bad = sorted({char for char in name if char in _FORBIDDEN_IN_HOST or not " " < char < "\x7f"})
    if bad:
        raise InvalidURL(f"the host {host!r} holds {''.join(bad)!r}")
    if name.endswith(".") and _is_ipv4(name[:-1]):
        # An IPv4 address with a closing dot is that address, as the URL standard reads it.
        name = name[:-1]
    if name:
        _check_dns_name(name, host)
    return name


def _is_ipv4(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


def _check_dns_name(name: str, host: str) -> None:
    """Raise InvalidURL for a name DNS cannot hold: over 253 characters, an empty label or
    one over 63, an ``xn--`` label that is not Punycode (no lookup could ever find it)."""
    bare = name[:-1] if name.endswith(".") else name
    if len(bare) > _MAX_NAME:
        raise InvalidURL(f"the host name is {len(bare)} characters long; DNS allows {_MAX_NAME}")
    for label in bare.split("."):
        if not label or len(label) > _MAX_LABEL:
            shown = label if len(label) <= _MAX_LABEL else f"{label[:20]}...({len(label)})"
            raise InvalidURL(f"the host {host!r} has a label DNS cannot hold: {shown!r}")
        if label.startswith("xn--"):
            try:
                decoded = label[4:].encode("ascii").decode("punycode")
            except UnicodeError:
                decoded = ""
            if not decoded:
                raise InvalidURL(f"the host label {label!r} is not valid Punycode")


def _label(label: str) -> str:
    """One label in IDNA form; one that IDNA 2008 rejects still in Punycode, as browsers do."""
    if label.isascii():
        return label
    try:
        return idna.alabel(label).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        try:
            return "xn--" + label.encode("punycode").decode("ascii")
        except UnicodeError:
            raise InvalidURL(f"the host label {label!r} cannot be written in ASCII") from None


def _without_dot_segments(path: str) -> str:
    """The path with ``.`` and ``..`` segments (``%2e`` too) resolved, as browsers do."""
    segments = path.split("/")[1:]
    kept: list[str] = []
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        lowered = segment.lower()
        if lowered in _DOUBLE_DOT:
            if kept:
                kept.pop()
            if last:
                kept.append("")
        elif lowered in _SINGLE_DOT:
            if last:
                kept.append("")
        else:
            kept.append(segment)
    return "/" + "/".join(kept)


def _encode(text: str, escaped: frozenset[str]) -> str:
    """``text`` with controls, non-ASCII and ``escaped`` characters UTF-8 percent-escaped.

    A lone surrogate that stands for a byte (``surrogateescape``) is that byte; any other
    is U+FFFD, as a browser's UTF-8 encoder writes it. A ``%`` is left as it is.
    """
    if text.isascii() and all(" " < char < "\x7f" and char not in escaped for char in text):
        return text
    # ASCII by a table, non-ASCII a run at a time: a long field costs C loops, not a Python
    # call per character.
    return _NON_ASCII.sub(_escape_run, text.translate(_ascii_table(escaped)))


@functools.cache
def _ascii_table(escaped: frozenset[str]) -> dict[int, str]:
    """The ASCII characters to escape (controls, space, DEL and ``escaped``), and as what."""
    codes = [*range(0x21), 0x7F, *(ord(char) for char in escaped if char.isascii())]
    return {code: f"%{code:02X}" for code in codes}


def _escape_run(match: re.Match[str]) -> str:
    run = match.group()
    try:
        data = run.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that stands for no byte
        return "".join(_escape(char) for char in run)
    return "%" + data.hex("%").upper()


def _escape(char: str) -> str:
    code = ord(char)
    if code in _LONE_BYTE:
        return f"%{code - 0xDC00:02X}"
    if 0xD800 <= code < 0xE000:
        return _REPLACEMENT
    return "".join(f"%{byte:02X}" for byte in char.encode("utf-8"))
