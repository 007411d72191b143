"""`claimcheck verify` through a proxy and with a private CA, end to end on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimcheck.cli import app
from tests.proxy_server import ProxyServer
from tests.servers import HostFactory, html_page
from tests.test_cli import claimcheck
from tests.test_cli_verify import project

PAGE = html_page("China trials visa-free travel for six countries")


def test_verify_tunnels_https_through_the_proxy_option(
    hosts: HostFactory, proxy: ProxyServer, ca_bundle: Path, tmp_path: Path
) -> None:
    (host,) = hosts(1, tls=True)
    host.route("/news", PAGE)
    result = claimcheck(
        "verify",
        "--allow-private",
        "--proxy",
        proxy.url,
        "--ca-bundle",
        str(ca_bundle),
        "--format",
        "json",
        cwd=project(tmp_path, host.url("/news")),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    source = json.loads(result.stdout)["sources"][0]
    assert (source["status"], source["reason"], source["notes"]) == ("alive", "ok", [])
    assert proxy.connects == [f"{host.host}:{host.port}"]


def test_verify_honours_https_proxy_and_ssl_cert_file_in_the_environment(
    hosts: HostFactory, proxy: ProxyServer, ca_bundle: Path, tmp_path: Path
) -> None:
    (host,) = hosts(1, tls=True)
    host.route("/news", PAGE)
    result = claimcheck(
        "verify",
        "--allow-private",
        cwd=project(tmp_path, host.url("/news")),
        env={"HTTPS_PROXY": proxy.url, "SSL_CERT_FILE": str(ca_bundle)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "sources: 1 alive" in result.stdout
    assert proxy.connects == [f"{host.host}:{host.port}"]


def test_verify_reaches_a_host_in_a_no_proxy_network_directly(
    hosts: HostFactory, proxy: ProxyServer, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    host.route("/news", PAGE)
    result = claimcheck(
        "verify",
        "--allow-private",
        cwd=project(tmp_path, host.url("/news")),
        env={"HTTP_PROXY": proxy.url, "NO_PROXY": "example.org,127.0.0.0/8"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "sources: 1 alive" in result.stdout
    assert proxy.received == []


def test_verify_with_a_socks_proxy_option_exits_2_with_a_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project(tmp_path, "https://example.org/"))
    result = CliRunner().invoke(app, ["verify", "--proxy", "socks5://127.0.0.1:1080"])
    assert result.exit_code == 2
    assert "setting 'proxy'" in result.stderr
    assert "socks5:// proxies are not supported" in result.stderr
    assert "hint:" in result.stderr


def test_verify_with_a_garbage_proxy_variable_exits_2_naming_it(tmp_path: Path) -> None:
    result = claimcheck(
        "verify",
        cwd=project(tmp_path, "https://example.org/"),
        env={"HTTP_PROXY": "http://proxy.test:notaport"},
    )
    assert result.returncode == 2
    assert "error: HTTP_PROXY: " in result.stderr
    assert "hint: set HTTP_PROXY to http://[user:password@]host[:port], or unset it" in (
        result.stderr
    )


def test_verify_warns_of_a_socks_proxy_variable_and_goes_direct(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    host.route("/news", PAGE)
    result = claimcheck(
        "verify",
        "--allow-private",
        cwd=project(tmp_path, host.url("/news")),
        env={"ALL_PROXY": "socks5h://127.0.0.1:1080"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ignoring ALL_PROXY: socks5h:// proxies are not supported" in result.stderr
    assert len(host.hits("/news")) == 1


def test_verify_with_a_ca_bundle_that_is_no_pem_file_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project(tmp_path, "https://example.org/"))
    Path("notes.txt").write_text("not a certificate", encoding="utf-8")
    result = CliRunner().invoke(app, ["verify", "--ca-bundle", "notes.txt"])
    assert result.exit_code == 2
    assert "setting 'ca_bundle'" in result.stderr
    assert "holds no PEM certificate" in result.stderr
