"""The client's address behind trusted proxies (``common/client_ip.py``): no Django."""

import pytest

from common.client_ip import client_address, proxy_networks

NGINX = proxy_networks(["10.0.0.2"])


def test_without_trusted_proxies_the_peer_is_the_client():
    assert client_address("10.0.0.2", "203.0.113.7", ()) == "10.0.0.2"


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client():
    assert client_address("10.0.0.2", "203.0.113.7", NGINX) == "203.0.113.7"


def test_a_forwarded_header_from_an_untrusted_peer_is_ignored():
    assert client_address("198.51.100.9", "203.0.113.7", NGINX) == "198.51.100.9"


def test_an_address_the_client_made_up_stays_to_the_left_of_the_real_one():
    # The client sent "X-Forwarded-For: 1.2.3.4"; nginx appended its real address.
    assert client_address("10.0.0.2", "1.2.3.4, 203.0.113.7", NGINX) == "203.0.113.7"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right():
    trusted = proxy_networks(["10.0.0.2", "192.0.2.0/24"])
    header = "1.2.3.4, 203.0.113.7, 192.0.2.10, 192.0.2.11"
    assert client_address("10.0.0.2", header, trusted) == "203.0.113.7"


def test_a_proxy_outside_the_list_counts_as_the_client():
    # 192.0.2.10 is not trusted: what it claims to have seen is not believed.
    header = "203.0.113.7, 192.0.2.10"
    assert client_address("10.0.0.2", header, NGINX) == "192.0.2.10"


def test_networks_are_trusted_whole():
    trusted = proxy_networks(["10.0.0.0/8"])
    assert client_address("10.1.2.3", "203.0.113.7", trusted) == "203.0.113.7"
    assert client_address("11.0.0.1", "203.0.113.7", trusted) == "11.0.0.1"


def test_ipv6_clients_and_proxies():
    trusted = proxy_networks(["fd00::/8"])
    assert client_address("fd00::2", "2001:db8::7", trusted) == "2001:db8::7"
    assert client_address("2001:db8::9", "2001:db8::7", trusted) == "2001:db8::9"
    assert client_address("fd00::2", "2001:DB8:0::7", trusted) == "2001:db8::7"


def test_an_ipv4_proxy_seen_over_ipv6_is_still_trusted():
    assert client_address("::ffff:10.0.0.2", "203.0.113.7", NGINX) == "203.0.113.7"


def test_when_every_address_is_a_trusted_proxy_the_left_most_is_the_client():
    trusted = proxy_networks(["10.0.0.0/8"])
    assert client_address("10.0.0.2", "10.9.9.9, 10.0.0.3", trusted) == "10.9.9.9"


@pytest.mark.parametrize(
    "header",
    [
        "",
        "   ",
        "not-an-ip",
        "203.0.113.7:5555",
        "203.0.113.7, ",
        "1.2.3.4, bad, 10.0.0.2",
    ],
)
def test_a_malformed_header_leaves_the_peers_address(header):
    assert client_address("10.0.0.2", header, NGINX) == "10.0.0.2"


def test_a_malformed_entry_left_of_the_client_does_not_matter():
    assert client_address("10.0.0.2", "junk, 203.0.113.7", NGINX) == "203.0.113.7"


def test_no_peer_address_is_none():
    assert client_address(None, "203.0.113.7", NGINX) is None
    assert client_address("", None, ()) is None


def test_the_list_accepts_addresses_and_networks_and_refuses_anything_else():
    assert [
        str(n) for n in proxy_networks(["10.0.0.2", " 10.1.0.0/16 ", "", "::1"])
    ] == [
        "10.0.0.2/32",
        "10.1.0.0/16",
        "::1/128",
    ]
    with pytest.raises(ValueError):
        proxy_networks(["nginx.local"])
