"""Which addresses the fetcher may connect to (pure part; the fetcher tests prove it is enforced)."""

from __future__ import annotations

import ipaddress

import pytest

from bot.articles.netguard import AddressGuard, is_public

INSIDE = [
    "127.0.0.1",
    "127.255.255.254",
    "10.0.0.1",
    "172.16.5.4",
    "172.31.255.255",
    "192.168.0.1",
    "169.254.169.254",
    "100.64.0.1",
    "100.127.255.254",
    "0.0.0.0",
    "0.1.2.3",
    "224.0.0.1",
    "239.255.255.250",
    "255.255.255.255",
    "240.0.0.1",
    "192.0.0.8",
    "192.0.2.1",
    "198.18.0.1",
    "198.51.100.7",
    "203.0.113.9",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "ff0e::1",
    "fec0::1",
    "2001:db8::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::127.0.0.1",  # IPv4-compatible (deprecated)
    "2002:7f00:1::1",  # 6to4 around 127.0.0.1
    "2002:a9fe:a9fe::1",  # 6to4 around 169.254.169.254
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    "64:ff9b::a00:1",  # NAT64 around 10.0.0.1
    "64:ff9b:1::1",  # local-use NAT64
]
OUTSIDE = [
    "93.184.216.34",
    "8.8.8.8",
    "1.1.1.1",
    "2606:4700:4700::1111",
    "2a00:1450:4001:80b::200e",
    "2002:5db8:d822::1",
    "::ffff:93.184.216.34",
    "64:ff9b::808:808",
]


@pytest.mark.parametrize("address", INSIDE)
def test_inside_addresses_are_not_public(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))
    assert not AddressGuard().allowed(address)


@pytest.mark.parametrize("address", OUTSIDE)
def test_public_addresses_are_allowed(address: str) -> None:
    assert AddressGuard().allowed(address)


def test_extra_network_allows_only_that_network() -> None:
    guard = AddressGuard(extra_allowed=["127.0.0.1/32"])
    assert guard.allowed("127.0.0.1")
    assert guard.allowed("::ffff:127.0.0.1")  # the same address, spelled as IPv6
    for other in ("127.0.0.2", "10.0.0.1", "::1", "2002:7f00:1::1", "169.254.169.254"):
        assert not guard.allowed(other), other


def test_allow_private_allows_everything() -> None:
    guard = AddressGuard(allow_private=True)
    assert all(guard.allowed(a) for a in INSIDE)


def test_scoped_ipv6_is_checked_without_its_zone() -> None:
    assert not AddressGuard().allowed("fe80::1%eth0")
