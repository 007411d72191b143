"""Which addresses claimcheck may connect to: never link-local or cloud metadata."""

from __future__ import annotations

import ipaddress
from enum import Enum

_FORBIDDEN = tuple(
    ipaddress.ip_network(net)
    for net in (
        "169.254.0.0/16",
        "fe80::/10",
        "fd00:ec2::254/128",
        "0.0.0.0/8",
        "224.0.0.0/4",
        "255.255.255.255/32",
        "ff00::/8",
        "::/128",
    )
)
_PRIVATE = tuple(
    ipaddress.ip_network(net)
    for net in (
        "127.0.0.0/8",
        "::1/128",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "fc00::/7",
    )
)


class AddressClass(Enum):
    """How an address may be used."""

    PUBLIC = "public"
    PRIVATE = "private"
    FORBIDDEN = "forbidden"


def classify_address(address: str) -> AddressClass:
    """Public, private (loopback, RFC 1918 and the like) or forbidden (link-local, metadata)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in net for net in _FORBIDDEN if net.version == ip.version):
        return AddressClass.FORBIDDEN
    if any(ip in net for net in _PRIVATE if net.version == ip.version):
        return AddressClass.PRIVATE
    return AddressClass.PUBLIC


def is_ip_literal(host: str) -> bool:
    """Whether ``host`` is an IP address rather than a name."""
    try:
        ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True
