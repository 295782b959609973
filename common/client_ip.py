"""The address a request came from, behind trusted proxies (no Django).

A proxy in front of the application (nginx) connects to it itself, so the peer's
address (``REMOTE_ADDR``) is the proxy's; the proxy appends the address it saw to
``X-Forwarded-For``. Anybody can send that header, so it is believed only as far
as the chain of trusted proxies goes:

- when the peer is not a trusted proxy, it is the client, whatever the header says;
- when it is, the header is read from the right (the entry the nearest proxy
  added), skipping trusted proxies; the first address that is not one is the client;
- every entry read must be an IP address: a malformed one, or no header at all,
  leaves the peer's address. When every entry is a trusted proxy, the left-most is
  the client (a person inside the proxies' own network).

::

    client_address("10.0.0.2", "203.0.113.7, 10.0.0.9", proxy_networks(["10.0.0.0/8"]))
    -> "203.0.113.7"
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from functools import lru_cache

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def proxy_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """Networks from IP addresses or CIDR networks (``10.0.0.1``, ``10.0.0.0/8``,
    ``fd00::/8``); raises ValueError on an entry that is neither."""
    networks = []
    for entry in entries:
        text = entry.strip()
        if text:
            networks.append(ipaddress.ip_network(text, strict=False))
    return tuple(networks)


@lru_cache(maxsize=8)
def cached_proxy_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """:func:`proxy_networks`, parsed once per distinct setting."""
    return proxy_networks(entries)


def client_address(
    remote_addr: str | None, forwarded_for: str | None, trusted: Sequence[Network]
) -> str | None:
    """The client's address: ``remote_addr`` unless it is a trusted proxy, then
    the right-most untrusted address of ``forwarded_for`` (see the module)."""
    if not remote_addr or not trusted or not forwarded_for:
        return remote_addr or None
    peer = _address(remote_addr)
    if peer is None or not _is_trusted(peer, trusted):
        return remote_addr
    entries = [entry.strip() for entry in forwarded_for.split(",")]
    client = None
    for entry in reversed(entries):
        address = _address(entry)
        if address is None:
            return remote_addr
        client = address
        if not _is_trusted(address, trusted):
            break
    return str(client) if client is not None else remote_addr


def _address(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address, trusted: Sequence[Network]) -> bool:
    return any(address in network for network in trusted)
