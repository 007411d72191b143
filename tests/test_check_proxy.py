"""Proxies: which one a request takes, CONNECT and absolute form, the guard on the target."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimcheck.check.client import GuardedConnector, make_client
from claimcheck.check.network import network_is_up
from claimcheck.check.proxy import (
    Proxy,
    ProxyConfigError,
    ProxyRoutes,
    parse_proxy,
    proxy_routes,
)
from claimcheck.check.resolver import RunResolver
from claimcheck.config import load_settings
from claimcheck.errors import ConfigError
from claimcheck.models import NoteCode, Reason, SourceStatus
from tests.checking import (
    BASELINE_PATH,
    CountingResolver,
    check,
    closed_port,
    note_codes,
    options,
)
from tests.proxy_server import ProxyServer
from tests.servers import HostFactory, html_page

PAGE = html_page("A page through the proxy")


def pages(targets: list[str]) -> list[str]:
    """The targets the proxy relayed, leaving out the request for a nonsense path."""
    return [target for target in targets if not BASELINE_PATH.search(target)]


def routes(server: ProxyServer, *, no_proxy: str = "", credentials: str = "") -> ProxyRoutes:
    """Both schemes through ``server``."""
    proxy = parse_proxy(
        f"http://{credentials}@127.0.0.1:{server.port}" if credentials else server.url, "proxy"
    )
    return ProxyRoutes(http=proxy, https=proxy, no_proxy=no_proxy)


# Which proxy ------------------------------------------------------------------------------


def test_lower_case_variable_wins_over_upper_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://upper.test:1111")
    monkeypatch.setenv("https_proxy", "http://lower.test:2222")
    monkeypatch.setenv("HTTP_PROXY", "http://only-upper.test:3333")
    found = proxy_routes(None)
    assert found.https == Proxy("lower.test", 2222)
    assert found.http == Proxy("only-upper.test", 3333)


def test_all_proxy_serves_each_scheme_without_a_variable_of_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ALL_PROXY", "proxy.test:3128")
    monkeypatch.setenv("http_proxy", "http://web.test:8080")
    found = proxy_routes(None)
    assert found.https == Proxy("proxy.test", 3128)
    assert found.http == Proxy("web.test", 8080)


def test_no_proxy_names_hosts_domain_suffixes_and_host_ports(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.test:3128")
    monkeypatch.setenv("NO_PROXY", "intranet.test, .corp.test,10.1.2.3:8443")
    found = proxy_routes(None)
    assert found.route("https", "intranet.test", 443) is None
    assert found.route("https", "wiki.corp.test", 443) is None
    assert found.route("https", "corp.test", 443) is None
    assert found.route("https", "10.1.2.3", 8443) is None
    assert found.route("https", "10.1.2.3", 443) == Proxy("proxy.test", 3128)
    assert found.route("https", "example.org", 443) == Proxy("proxy.test", 3128)
    assert found.route("http", "example.org", 80) is None  # no HTTP_PROXY: direct


def test_no_proxy_networks_in_cidr_form_hold_ip_addresses_not_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.test:3128")
    monkeypatch.setenv("NO_PROXY", "10.0.0.0/8, [fd00::]/8 ,192.168.1.7/24,not-a-net/99,::1/128")
    found = proxy_routes(None)
    proxy = Proxy("proxy.test", 3128)
    assert found.route("https", "10.200.3.4", 443) is None
    assert found.route("https", "192.168.1.200", 443) is None
    assert found.route("https", "[fd12:3456::1]", 443) is None
    assert found.route("https", "[::1]", 443) is None
    assert found.route("https", "11.0.0.1", 443) == proxy
    assert found.route("https", "192.168.2.1", 443) == proxy
    assert found.route("https", "[fe80::1]", 443) == proxy
    assert found.route("https", "10.example.org", 443) == proxy


def test_no_proxy_star_sends_everything_direct(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("all_proxy", "http://proxy.test:3128")
    monkeypatch.setenv("no_proxy", "*")
    assert proxy_routes(None).route("https", "example.org", 443) is None


def test_proxy_setting_replaces_the_variables_but_no_proxy_still_holds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://env.test:1111")
    monkeypatch.setenv("NO_PROXY", "direct.test")
    found = proxy_routes("http://flag.test:2222")
    assert found.route("https", "example.org", 443) == Proxy("flag.test", 2222)
    assert found.route("http", "example.org", 80) == Proxy("flag.test", 2222)
    assert found.route("https", "direct.test", 443) is None


def test_socks_proxy_variable_is_ignored_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:1080")
    with caplog.at_level(logging.WARNING, logger="claimcheck"):
        found = proxy_routes(None)
    assert found == ProxyRoutes()
    assert "ignoring ALL_PROXY: socks5:// proxies are not supported" in caplog.text


def test_garbage_proxy_variable_is_a_configuration_error_naming_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("https_proxy", "http://user:s3cret@proxy.test:port")
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path).check_options()
    assert str(caught.value).startswith("https_proxy: ")
    assert "s3cret" not in str(caught.value)
    assert caught.value.hint == "set https_proxy to http://[user:password@]host[:port], or unset it"


@pytest.mark.parametrize("url", ["socks5://127.0.0.1:1080", "https://proxy.test", "http://"])
def test_proxy_setting_that_is_no_http_proxy_is_a_configuration_error(
    url: str, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match="setting 'proxy'"):
        load_settings(tmp_path, flags={"proxy": url})


def test_credentials_become_a_basic_proxy_authorization() -> None:
    proxy = parse_proxy("http://al%40ice:p%3Ass@proxy.test:3128", "proxy")
    assert proxy.authorization == "Basic YWxAaWNlOnA6c3M="  # al@ice:p:ss
    assert parse_proxy("proxy.test", "proxy") == Proxy("proxy.test", 80)


@given(st.text(max_size=60))
def test_any_text_is_a_proxy_or_a_configuration_error(text: str) -> None:
    try:
        proxy = parse_proxy(text, "proxy")
    except ProxyConfigError as error:
        message = str(error)
    else:
        message = f"proxy: {proxy.address}"
        assert 0 <= proxy.port < 65536
    assert message.startswith("proxy: ")


# Through the proxy ------------------------------------------------------------------------


def test_https_goes_through_a_connect_tunnel_verified_with_ssl_cert_file(
    hosts: HostFactory, proxy: ProxyServer, ca_bundle: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_bundle))
    (host,) = hosts(1, tls=True)
    host.route("/a", PAGE)
    result = check(host.url("/a"), proxies=routes(proxy))
    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert NoteCode.INSECURE_TLS not in note_codes(result)
    assert proxy.connects == [f"{host.host}:{host.port}"]
    assert len(host.hits("/a")) == 1


def test_http_goes_to_the_proxy_in_absolute_form(hosts: HostFactory, proxy: ProxyServer) -> None:
    (host,) = hosts(1)
    host.route("/a", PAGE)
    result = check(host.url("/a?x=1"), proxies=routes(proxy))
    assert result.status is SourceStatus.ALIVE
    assert pages(proxy.forwarded) == [host.url("/a?x=1")]
    assert proxy.connects == []


def test_credentials_reach_the_proxy_for_both_schemes(hosts: HostFactory, ca_bundle: Path) -> None:
    plain, secure = hosts(1)[0], hosts(1, tls=True)[0]
    for host in (plain, secure):
        host.route("/a", PAGE)
    with ProxyServer(credentials="alice:pa ss") as server:
        found = routes(server, credentials="alice:pa%20ss")
        for host in (plain, secure):
            result = check(host.url("/a"), proxies=found, ca_bundle=ca_bundle)
            assert result.status is SourceStatus.ALIVE, result.detail
        assert len(pages([relayed.target for relayed in server.received])) == 2


def test_credentials_stay_off_the_request_httpx_keeps(
    hosts: HostFactory, proxy: ProxyServer
) -> None:
    (host,) = hosts(1)
    host.route("/a", PAGE)
    chosen = options(proxies=routes(proxy, credentials="alice:secret"))

    async def fetch() -> tuple[int, bool]:
        async with make_client(chosen, RunResolver(CountingResolver())) as client:
            response = await client.get(host.url("/a"))
            return response.status_code, "proxy-authorization" in response.request.headers

    assert asyncio.run(fetch()) == (200, False)
    assert proxy.received[0].headers["proxy-authorization"].startswith("Basic ")


def test_no_proxy_host_is_reached_directly(hosts: HostFactory, proxy: ProxyServer) -> None:
    (host,) = hosts(1)
    host.route("/a", PAGE)
    result = check(host.url("/a"), proxies=routes(proxy, no_proxy=host.host))
    assert result.status is SourceStatus.ALIVE
    assert proxy.received == []


def test_no_proxy_network_holding_the_host_is_reached_directly(
    hosts: HostFactory, proxy: ProxyServer
) -> None:
    (host,) = hosts(1)
    host.route("/a", PAGE)
    result = check(host.url("/a"), proxies=routes(proxy, no_proxy="127.0.0.0/8"))
    assert result.status is SourceStatus.ALIVE
    assert proxy.received == []


def test_name_only_the_proxy_resolves_is_reached_without_allow_private(
    hosts: HostFactory, proxy: ProxyServer
) -> None:
    (host,) = hosts(1)
    host.route("/a", PAGE)
    proxy.names["site.test"] = host.host
    result = check(
        f"http://site.test:{host.port}/a",
        CountingResolver(),
        proxies=routes(proxy),
        allow_private=False,
    )
    assert result.status is SourceStatus.ALIVE
    assert pages(proxy.forwarded) == [f"http://site.test:{host.port}/a"]


def test_name_nobody_resolves_is_a_proxy_error_not_dead(proxy: ProxyServer) -> None:
    result = check("https://gone.test/page", CountingResolver(), proxies=routes(proxy))
    assert (result.status, result.reason) == (SourceStatus.ERROR, Reason.PROXY_FAILED)
    assert "answered 502 Bad Gateway to CONNECT gone.test:443" in (result.detail or "")


def test_metadata_target_is_never_asked_of_the_proxy(proxy: ProxyServer) -> None:
    resolver = CountingResolver({"metadata.test": "169.254.169.254"})
    result = check("http://metadata.test/latest", resolver, proxies=routes(proxy))
    assert (result.status, result.reason) == (SourceStatus.SKIPPED, Reason.FORBIDDEN_ADDRESS)
    result = check("https://169.254.169.254/latest", proxies=routes(proxy))
    assert result.reason is Reason.FORBIDDEN_ADDRESS
    assert proxy.received == []


def test_private_target_without_allow_private_is_never_asked_of_the_proxy(
    hosts: HostFactory, proxy: ProxyServer
) -> None:
    (host,) = hosts(1)
    result = check(host.url("/a"), proxies=routes(proxy), allow_private=False)
    assert (result.status, result.reason) == (SourceStatus.SKIPPED, Reason.PRIVATE_ADDRESS)
    assert proxy.received == []


@pytest.mark.parametrize(
    ("answer", "said"),
    [(407, "requires authentication (407"), (502, "answered 502 Bad Gateway to CONNECT")],
)
def test_proxy_refusing_the_tunnel_is_an_error(hosts: HostFactory, answer: int, said: str) -> None:
    (host,) = hosts(1, tls=True)
    with ProxyServer(answer=answer) as server:
        result = check(host.url("/a"), proxies=routes(server))
    assert (result.status, result.reason) == (SourceStatus.ERROR, Reason.PROXY_FAILED)
    assert said in (result.detail or "")
    assert host.requests == []


def test_proxy_asking_credentials_for_plain_http_is_an_error(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    with ProxyServer(credentials="alice:secret") as server:
        result = check(host.url("/a"), proxies=routes(server))
    assert (result.status, result.reason) == (SourceStatus.ERROR, Reason.PROXY_FAILED)
    assert "requires authentication" in (result.detail or "")


def test_proxy_down_is_an_error_when_the_network_is_up(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    down = ProxyRoutes(https=Proxy("127.0.0.1", closed_port("127.0.0.1")))
    result = check(host.url("/a").replace("http:", "https:"), proxies=down)
    assert (result.status, result.reason) == (SourceStatus.ERROR, Reason.PROXY_FAILED)
    assert "cannot connect to the proxy 127.0.0.1:" in (result.detail or "")


def test_proxy_down_makes_sources_unreachable_as_the_probes_fail_through_it() -> None:
    down = Proxy("127.0.0.1", closed_port("127.0.0.1"))
    result = check(
        "https://example.test/a",
        CountingResolver(),
        proxies=ProxyRoutes(http=down, https=down),
        probe_hosts=("example.com:443",),
        probe_timeout=2,
    )
    assert (result.status, result.reason) == (
        SourceStatus.UNREACHABLE,
        Reason.NETWORK_UNREACHABLE,
    )


def test_network_probe_asks_the_proxy_for_a_tunnel_to_the_probe_host(
    hosts: HostFactory, proxy: ProxyServer
) -> None:
    (host,) = hosts(1)
    proxy.names["probe.test"] = host.host

    async def probe(target: str) -> bool:
        resolver = RunResolver(CountingResolver())
        connector = GuardedConnector(options(proxies=routes(proxy)), resolver, verify=False)
        return await network_is_up((target,), 2, connector)

    assert asyncio.run(probe(f"probe.test:{host.port}"))
    assert proxy.connects == [f"probe.test:{host.port}"]
    # The proxy answers, but cannot reach the host: the network beyond it is not shown up.
    assert not asyncio.run(probe("unknown.test:443"))
