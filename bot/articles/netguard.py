"""Which addresses the bot may connect to, and a resolver that enforces it (SSRF and DNS rebinding).

Names are resolved once, every answer is checked, and only the checked answers reach aiohttp's
connector, which connects to them directly. A second DNS answer therefore cannot swap the address.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Iterable

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from bot.articles.urls import is_host_name

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Ranges Python's `is_global` (3.11) still calls global but which are not the public internet.
_EXTRA_BLOCKED: tuple[Network, ...] = tuple(ipaddress.ip_network(n) for n in (
    "100.64.0.0/10",      # shared address space (carrier-grade NAT)
    "192.0.0.0/24",       # IETF protocol assignments
    "192.88.99.0/24",     # 6to4 relay anycast
    "64:ff9b:1::/48",     # local-use NAT64
    "fec0::/10",          # deprecated site-local
))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_V4_COMPAT = ipaddress.ip_network("::/96")


class AddressRefused(OSError):
    """A host resolved to (or is) an address the policy forbids."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} resolves to non-public address {address}")
        self.host = host
        self.address = address


class HostRefused(OSError):
    """A name no resolver should be asked about (control characters, spaces, ...)."""

    def __init__(self, host: str) -> None:
        super().__init__(f"refusing to resolve the malformed name {host!r}")
        self.host = host


class AddressGuard:
    """Decides whether an IP address is public enough to fetch from."""

    def __init__(self, *, allow_private: bool = False, extra_allowed: Iterable[str] = ()) -> None:
        self.allow_private = allow_private
        self.extra_allowed: tuple[Network, ...] = tuple(
            ipaddress.ip_network(n, strict=False) for n in extra_allowed
        )

    def allowed(self, address: IPAddress | str) -> bool:
        ip = ipaddress.ip_address(str(address).split("%", 1)[0]) if isinstance(address, str) else address
        if self.allow_private:
            return True
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped  # ::ffff:a.b.c.d reaches a.b.c.d
        if any(ip.version == n.version and ip in n for n in self.extra_allowed):
            return True
        return is_public(ip)

    def check(self, host: str, address: str) -> None:
        if not self.allowed(address):
            logger.info("refusing %s: resolves to %s", host, address)
            raise AddressRefused(host, address)


def is_public(ip: IPAddress) -> bool:
    """True only for globally routable unicast addresses, looking inside v6 forms that embed a v4."""
    if isinstance(ip, ipaddress.IPv6Address):
        # Translation forms reach the IPv4 address they carry, so that address decides.
        if ip.ipv4_mapped is not None:
            return is_public(ip.ipv4_mapped)
        if ip in _NAT64:
            return is_public(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if ip.sixtofour is not None:
            return is_public(ip.sixtofour)
        if ip.teredo is not None or ip in _V4_COMPAT:
            return False  # tunnels and the deprecated compatible form: never needed for a web page
    if (
        not ip.is_global
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    ):
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return False
    return not any(ip.version == n.version and ip in n for n in _EXTRA_BLOCKED)


class VettingResolver(AbstractResolver):
    """Resolves with `inner`, refuses the host if ANY answer is not allowed, returns the checked answers."""

    def __init__(self, guard: AddressGuard, inner: AbstractResolver | None = None) -> None:
        self._guard = guard
        self._inner = inner if inner is not None else ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if not is_host_name(host.lower().rstrip(".")):   # the fetcher vets names first; this is the last door
            raise HostRefused(host)
        answers = await self._inner.resolve(host, port, family)
        if not answers:
            raise OSError(f"no addresses for {host}")
        for answer in answers:
            self._guard.check(host, answer["host"])
        return list(answers)

    async def close(self) -> None:
        await self._inner.close()
