"""Which addresses claimcheck may connect to: never link-local or cloud metadata."""

from __future__ import annotations

import ipaddress
from enum import Enum

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Never connected to, with or without --allow-private: link-local (cloud metadata services
# live there), the metadata addresses outside it, "this network" (0.0.0.0 reaches this very
# machine on Linux), multicast, reserved space and broadcast, the unspecified address.
_FORBIDDEN = tuple(
    ipaddress.ip_network(net)
    for net in (
        "169.254.0.0/16",  # link-local: AWS, GCP, Azure, OCI... metadata at 169.254.169.254
        "100.100.100.200/32",  # Alibaba Cloud metadata (inside CGNAT space)
        "192.0.0.0/24",  # IETF protocol assignments: Oracle Cloud metadata at 192.0.0.192
        "0.0.0.0/8",
        "224.0.0.0/4",
        "240.0.0.0/4",  # reserved, with the broadcast address 255.255.255.255
        "fe80::/10",
        "fd00:ec2::/64",  # AWS metadata (fd00:ec2::254), DNS and NTP over IPv6
        "ff00::/8",
        "::/128",
    )
)
# Reached only with --allow-private: loopback, RFC 1918, shared (CGNAT) and benchmark space,
# documentation ranges, unique-local and site-local IPv6, discard-only, local-use NAT64.
_PRIVATE = tuple(
    ipaddress.ip_network(net)
    for net in (
        "127.0.0.0/8",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "198.18.0.0/15",
        "192.0.2.0/24",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "::1/128",
        "fc00::/7",
        "fec0::/10",
        "100::/64",
        "2001:db8::/32",
        "64:ff9b:1::/48",
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")
_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")  # SIIT's IPv4-translated addresses
_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated IPv4-compatible addresses
# Where RFC 6052 puts the IPv4 address for each prefix length a local-use NAT64 prefix
# (inside 64:ff9b:1::/48) may have: the bytes of the IPv4 address, and the bytes that must
# be zero (the "u" octet and the suffix) for the form to be meant.
_RFC6052_FORMS = (
    ((6, 7, 9, 10), (8, 11, 12, 13, 14, 15)),  # /48
    ((7, 9, 10, 11), (8, 12, 13, 14, 15)),  # /56
    ((9, 10, 11, 12), (8, 13, 14, 15)),  # /64
    ((12, 13, 14, 15), ()),  # /96
)


class AddressClass(Enum):
    """How an address may be used."""

    PUBLIC = "public"
    PRIVATE = "private"
    FORBIDDEN = "forbidden"

    @property
    def severity(self) -> int:
        """How far from public: 0 public, 1 private, 2 forbidden."""
        return _SEVERITY[self]


_SEVERITY = {AddressClass.PUBLIC: 0, AddressClass.PRIVATE: 1, AddressClass.FORBIDDEN: 2}


def worst(classes: list[AddressClass]) -> AddressClass:
    """The most restricted of ``classes`` (public when there are none)."""
    return max(classes, key=lambda kind: kind.severity, default=AddressClass.PUBLIC)


def classify_address(address: str) -> AddressClass:
    """Public, private (loopback, RFC 1918 and the like) or forbidden (link-local, metadata).

    An IPv6 address that embeds an IPv4 address (IPv4-mapped, -translated or -compatible,
    NAT64, 6to4, Teredo) is classed by the worse of itself and every IPv4 address it embeds:
    a translator or relay would connect to that IPv4 address.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return worst([_own_class(ip), *(_own_class(v4) for v4 in embedded_ipv4(ip))])


def embedded_ipv4(ip: IPAddress) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address stands for on the way (none for an IPv4 address)."""
    if isinstance(ip, ipaddress.IPv4Address):
        return []
    packed = ip.packed
    last = ipaddress.IPv4Address(packed[12:])
    if ip.ipv4_mapped is not None:
        return [ip.ipv4_mapped]
    if ip in _TRANSLATED or ip in _NAT64:
        return [last]
    if ip in _COMPATIBLE and int(ip) > 1:  # :: and ::1 are themselves, not 0.0.0.0 and 0.0.0.1
        return [last]
    if ip.sixtofour is not None:
        return [ip.sixtofour]
    if ip.teredo is not None:
        return list(ip.teredo)
    if ip in _LOCAL_NAT64:
        return [
            ipaddress.IPv4Address(bytes(packed[i] for i in where))
            for where, zeros in _RFC6052_FORMS
            if not any(packed[i] for i in zeros)
        ]
    return []


def _own_class(ip: IPAddress) -> AddressClass:
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
