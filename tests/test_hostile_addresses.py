"""Address classes: an IPv6 address that embeds an IPv4 address is classed by the IPv4 one."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimcheck.check.safety import AddressClass, classify_address, embedded_ipv4

FORBIDDEN = AddressClass.FORBIDDEN
PRIVATE = AddressClass.PRIVATE
PUBLIC = AddressClass.PUBLIC
PUBLIC_V4 = ipaddress.IPv4Address("93.184.215.14")

ipv4s = st.builds(ipaddress.IPv4Address, st.integers(0, 2**32 - 1))
# The interesting ones drawn often: metadata, link-local, loopback, private, reserved.
notable = st.sampled_from(
    [
        "169.254.169.254",
        "169.254.0.1",
        "100.100.100.200",
        "192.0.0.192",
        "127.0.0.1",
        "10.1.2.3",
        "0.0.0.0",
        "255.255.255.255",
        "240.0.0.1",
        "8.8.8.8",
    ]
).map(ipaddress.IPv4Address)
any_ipv4 = st.one_of(ipv4s, notable)


def v6(value: int) -> str:
    return str(ipaddress.IPv6Address(value))


def embeddings(a: ipaddress.IPv4Address, subnet: int, interface: int) -> list[str]:
    """Every IPv6 form that stands for ``a`` exactly (the bits around it drawn freely)."""
    n = int(a)
    port = interface & 0xFFFF_FFFF  # Teredo's flags and obscured port
    forms = [
        v6(0xFFFF << 32 | n),  # IPv4-mapped
        v6(0xFFFF << 48 | n),  # IPv4-translated (SIIT)
        v6(0x0064_FF9B << 96 | n),  # NAT64, well-known prefix
        v6(0x2002 << 112 | n << 80 | subnet << 64 | interface),  # 6to4
        # Teredo: the server, and the client (inverted), each beside a public other.
        v6(0x2001_0000 << 96 | n << 64 | port << 32 | int(PUBLIC_V4) ^ 0xFFFFFFFF),
        v6(0x2001_0000 << 96 | int(PUBLIC_V4) << 64 | port << 32 | n ^ 0xFFFFFFFF),
    ]
    if n > 1:  # ::0.0.0.0 and ::0.0.0.1 are :: and ::1, themselves
        forms.append(v6(n))  # IPv4-compatible (deprecated)
    return forms


@settings(max_examples=300, deadline=None)
@given(any_ipv4, st.integers(0, 0xFFFF), st.integers(0, 2**64 - 1))
def test_every_embedding_of_an_ipv4_address_is_classed_as_that_address(
    a: ipaddress.IPv4Address, subnet: int, interface: int
) -> None:
    expected = classify_address(str(a))

    for form in embeddings(a, subnet, interface):
        assert classify_address(form) is expected, form


@settings(max_examples=300, deadline=None)
@given(any_ipv4, st.integers(0, 2**48 - 1))
def test_local_use_nat64_is_private_at_least_and_forbidden_for_a_forbidden_ipv4(
    a: ipaddress.IPv4Address, subnet: int
) -> None:
    n = int(a)
    forms = [
        v6(
            0x0064_FF9B_0001 << 80 | (n >> 16) << 64 | (n & 0xFFFF) << 40
        ),  # /48: the u octet between
        v6(0x0064_FF9B_0001 << 80 | (subnet & 0xFF) << 72 | (n >> 24) << 64 | (n & 0xFFFFFF) << 32),
        v6(0x0064_FF9B_0001 << 80 | (subnet & 0xFFFF) << 64 | n << 24),  # /64 prefix
        v6(0x0064_FF9B_0001 << 80 | subnet << 32 | n),  # /96 prefix
    ]
    expected = classify_address(str(a))

    for form in forms:
        kind = classify_address(form)
        assert kind.severity >= max(PRIVATE.severity, expected.severity), form
        if expected is FORBIDDEN:
            assert kind is FORBIDDEN, form


@pytest.mark.parametrize(
    "address",
    [
        "169.254.169.254",
        "fd00:ec2::254",
        "::ffff:169.254.169.254",
        "::ffff:a9fe:a9fe",
        "::ffff:0:a9fe:a9fe",
        "::169.254.169.254",
        "64:ff9b::a9fe:a9fe",
        "64:ff9b::169.254.169.254",
        "64:ff9b:1::a9fe:a9fe",
        "64:ff9b:1:0:a9:fea9:fe00:0",
        "2002:a9fe:a9fe::1",
        "2002:a9fe:a9fe:ffff:ffff:ffff:ffff:ffff",
        "2001:0:a9fe:a9fe::1",
        "2001:0:5db8:d70e:0:fbaa:5601:5601",  # a Teredo client 169.254.169.254
        "fe80::1%lo",
        "100.100.100.200",
        "192.0.0.192",
        "0.0.0.0",
        "::",
        "255.255.255.255",
        "240.0.0.1",
        "224.0.0.1",
        "ff02::1",
    ],
)
def test_metadata_link_local_and_reserved_addresses_are_forbidden(address: str) -> None:
    assert classify_address(address) is FORBIDDEN


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "::1",
        "10.0.0.1",
        "100.64.0.1",
        "198.18.0.1",
        "192.0.2.1",
        "fc00::1",
        "fd12:3456::1",
        "64:ff9b::7f00:1",
        "2002:7f00:1::1",
        "::ffff:10.0.0.1",
        "64:ff9b:1::808:808",
    ],
)
def test_loopback_private_and_non_routable_addresses_are_private(address: str) -> None:
    assert classify_address(address) is PRIVATE


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "2606:4700::1111", "64:ff9b::808:808", "2002:808:808::1", "::ffff:8.8.8.8"],
)
def test_public_addresses_and_their_embeddings_are_public(address: str) -> None:
    assert classify_address(address) is PUBLIC


def test_teredo_is_classed_by_the_worse_of_server_and_client() -> None:
    teredo = ipaddress.IPv6Address("2001:0:5db8:d70e:0:fbaa:5601:5601")

    assert [str(a) for a in embedded_ipv4(teredo)] == ["93.184.215.14", "169.254.169.254"]
