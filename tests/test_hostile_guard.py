"""One guard for every connection, through the command line: Wayback client, probe, link check."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimcheck.cli import app
from tests.checking import closed_port
from tests.servers import Host, HostFactory, free_addresses, html_page, redirect
from tests.test_check_network import Listener
from tests.test_cli_archive import entry, project, run, table
from tests.wayback_server import SAVE, WaybackFactory, wayback_stand_in

__all__ = ["wayback_stand_in"]

METADATA_FORMS = (
    "169.254.169.254",
    "[::ffff:169.254.169.254]",
    "[::ffff:0:a9fe:a9fe]",
    "[64:ff9b::a9fe:a9fe]",
    "[64:ff9b:1::a9fe:a9fe]",
    "[2002:a9fe:a9fe::1]",
    "[2001:0:5db8:d70e:0:fbaa:5601:5601]",
    "[fd00:ec2::254]",
    "2852039166",  # 169.254.169.254 as one decimal number: a name the resolver turns into it
)
# Names that resolve, in the `hostile_dns` fixture, to the metadata service in some form.
HOSTILE_NAMES = {
    "example.com": "169.254.169.254",
    "www.iana.org": "64:ff9b::a9fe:a9fe",
    "one.one.one.one": "fd00:ec2::254",
    "metadata.test": "169.254.169.254",
    "nat64.test": "64:ff9b::a9fe:a9fe",
    "sixtofour.test": "2002:a9fe:a9fe::1",
}


def squeezed(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def hostile_dns(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of HOSTILE_NAMES resolve to metadata addresses; returns the names asked."""
    real = socket.getaddrinfo
    asked: list[str] = []

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name in HOSTILE_NAMES:
            asked.append(name)
            return real(HOSTILE_NAMES[name], port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


@pytest.fixture
def recorder() -> Iterator[Host]:
    """A loopback host that answers everything and records what reached it."""
    (address,) = free_addresses(1)
    host = Host(address)
    host.route("*", html_page("Recorded"))
    yield host
    host.stop()


# The Wayback client ------------------------------------------------------------------------


def _save(folder: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    """``claimcheck archive save *args`` in ``folder`` (in this process): what it printed."""
    monkeypatch.chdir(folder)
    monkeypatch.setenv("IA_ACCESS_KEY", "key")
    monkeypatch.setenv("IA_SECRET_KEY", "secret")
    result = CliRunner().invoke(app, ["archive", "save", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("form", METADATA_FORMS)
def test_wayback_lookup_redirected_to_the_metadata_service_is_never_followed(
    hosts: HostFactory,
    wayback_stand_in: WaybackFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    form: str,
) -> None:
    (host,) = hosts(1)
    host.route("/news", html_page("News"))
    archive = wayback_stand_in()
    metadata = f"http://{form}/latest/meta-data/"
    archive.answer_next(100, 307, [("Location", metadata)])
    folder = project(tmp_path, entry("news", host.url("/news")))

    started = time.monotonic()
    saved = _save(folder, monkeypatch, "--wayback", "--wayback-url", archive.base_url)

    (row,) = table(saved, "Sources (1)")
    assert squeezed(row["wayback"]).startswith(squeezed(f"error: never connecting to {metadata}"))
    assert "link-local,metadataorreserved" in squeezed(row["wayback"])
    assert "wayback lookups: 0 of 1 found" in saved
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("code", "refusal"),
    [
        (301, "never connecting to {metadata}"),  # the POST becomes a GET, refused by the guard
        (302, "never connecting to {metadata}"),
        (303, "never connecting to {metadata}"),
        (307, "the capture request to another origin ({metadata})"),  # the POST would keep its form
        (308, "the capture request to another origin ({metadata})"),
    ],
)
def test_wayback_capture_redirected_to_the_metadata_service_is_never_followed(
    hosts: HostFactory,
    wayback_stand_in: WaybackFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    code: int,
    refusal: str,
) -> None:
    (host,) = hosts(1)
    host.route("/news", html_page("News"))
    archive = wayback_stand_in()
    metadata = "http://169.254.169.254/latest/meta-data/"
    archive.answer_next(100, code, [("Location", metadata)])
    folder = project(tmp_path, entry("news", host.url("/news")))

    saved = _save(folder, monkeypatch, "--wayback-capture", "--wayback-url", archive.base_url)

    (row,) = table(saved, "Sources (1)")
    assert squeezed(refusal.format(metadata=metadata)) in squeezed(row["wayback"])
    assert "new captures: 0 of 1 found" in saved


def test_wayback_capture_form_and_keys_are_never_sent_to_another_origin(
    hosts: HostFactory, wayback_stand_in: WaybackFactory, recorder: Host, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    host.route("/news", html_page("News"))
    archive = wayback_stand_in()
    archive.require_credentials("key", "secret")
    archive.answer_next(1, 307, [("Location", recorder.url("/save"))], endpoint=SAVE)
    folder = project(tmp_path, entry("news", host.url("/news")))

    saved = run(
        "archive",
        "save",
        "--wayback-capture",
        "--wayback-url",
        archive.base_url,
        cwd=folder,
        IA_ACCESS_KEY="key",
        IA_SECRET_KEY="secret",
    )

    assert recorder.requests == []
    (row,) = table(saved.stdout, "Sources (1)")
    assert "capturerequesttoanotherorigin" in squeezed(row["wayback"])
    assert "new captures: 0 of 1 found" in saved.stdout


def test_wayback_redirect_to_another_origin_is_a_get_without_credentials(
    hosts: HostFactory, wayback_stand_in: WaybackFactory, recorder: Host, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    host.route("/news", html_page("News"))
    archive = wayback_stand_in()
    archive.require_credentials("key", "secret")
    archive.answer_next(1, 303, [("Location", recorder.url("/elsewhere"))], endpoint=SAVE)
    folder = project(tmp_path, entry("news", host.url("/news")))

    run(
        "archive",
        "save",
        "--wayback-capture",
        "--wayback-url",
        archive.base_url,
        cwd=folder,
        IA_ACCESS_KEY="key",
        IA_SECRET_KEY="secret",
    )

    (followed,) = recorder.requests
    assert (followed.method, followed.path, followed.body) == ("GET", "/elsewhere", b"")
    assert "Authorization" not in followed.headers
    assert "secret" not in str(dict(followed.headers))
    (post,) = archive.hits(SAVE)
    assert post.headers["Authorization"] == "LOW key:secret"


def test_wayback_redirect_within_the_archive_keeps_the_form_and_keys(
    hosts: HostFactory, wayback_stand_in: WaybackFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    host.route("/news", html_page("News"))
    archive = wayback_stand_in()
    archive.require_credentials("key", "secret")
    archive.answer_next(1, 307, [("Location", f"{archive.base_url}{SAVE}")], endpoint=SAVE)
    folder = project(tmp_path, entry("news", host.url("/news")))

    saved = run(
        "archive",
        "save",
        "--wayback-capture",
        "--wayback-url",
        archive.base_url,
        cwd=folder,
        IA_ACCESS_KEY="key",
        IA_SECRET_KEY="secret",
    )

    first, second = archive.hits(SAVE)
    assert second.body == first.body != b""
    assert second.headers["Authorization"] == "LOW key:secret"
    assert "new captures: 1 of 1 found" in saved.stdout


@pytest.mark.parametrize("form", [f for f in METADATA_FORMS if not f.isdigit()] + ["0.0.0.0"])
def test_wayback_url_at_a_forbidden_address_is_a_configuration_error(
    tmp_path: Path, form: str
) -> None:
    folder = project(tmp_path, entry("news", "http://127.0.0.1:9/news"))

    result = run(
        "archive", "save", "--wayback", "--wayback-url", f"http://{form}/", cwd=folder, code=2
    )

    assert "wayback_url" in result.stderr
    assert "neverconnectedto" in squeezed(result.stderr)
    assert not (folder / ".claimcheck").exists()


def test_wayback_url_setting_at_a_forbidden_address_names_its_line(tmp_path: Path) -> None:
    folder = project(
        tmp_path,
        entry("news", "http://127.0.0.1:9/news"),
        'wayback_url = "http://[64:ff9b::a9fe:a9fe]/"\n',
    )

    result = run("archive", "save", "--wayback", cwd=folder, code=2)

    assert "claimcheck.toml:5" in result.stderr
    assert "wayback_url" in result.stderr


@pytest.mark.parametrize("name", ["metadata.test", "nat64.test", "sixtofour.test"])
def test_wayback_url_resolving_to_the_metadata_service_is_never_connected(
    hosts: HostFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    hostile_dns: list[str],
    name: str,
) -> None:
    (host,) = hosts(1)
    host.route("/news", html_page("News"))
    project(tmp_path, entry("news", host.url("/news")))
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(
        app,
        ["archive", "save", "--wayback", "--wayback-capture", "--wayback-url", f"http://{name}/"],
    )

    assert result.exit_code == 0, result.output
    assert name in hostile_dns
    (row,) = table(result.stdout, "Sources (1)")
    assert squeezed(row["wayback"]).startswith(
        squeezed(f"error: never connecting to http://{name}/")
    )


def test_wayback_url_on_a_private_address_needs_allow_private(
    wayback_stand_in: WaybackFactory, tmp_path: Path
) -> None:
    archive = wayback_stand_in()
    folder = project(tmp_path, entry("news", "http://127.0.0.1:9/news"))
    (folder / "claimcheck.toml").write_text("probe_hosts = []\nbackoff = 0.01\n", encoding="utf-8")

    saved = run("archive", "save", "--wayback", "--wayback-url", archive.base_url, cwd=folder)

    assert archive.requests == []
    (row,) = table(saved.stdout, "Sources (1)")
    assert "--allow-privateallowsit" in squeezed(row["wayback"])


# The network probe -------------------------------------------------------------------------


def _verify_json(folder: Path) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["verify", "--no-cache", "--no-archive", "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


@pytest.mark.parametrize(
    "probes",
    [
        None,  # the default probe hosts, which the hostile DNS sends to the metadata service
        ["169.254.169.254:80"],
        ["[fd00:ec2::254]:80"],
        ["[64:ff9b::a9fe:a9fe]:80", "[2002:a9fe:a9fe::1]:443", "[::ffff:169.254.169.254]:80"],
        ["metadata.test:80", "nat64.test:443", "sixtofour.test"],
    ],
)
def test_probe_never_connects_to_the_metadata_service(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    hostile_dns: list[str],
    probes: list[str] | None,
) -> None:
    # A refused connection makes the run ask the probes whether the network is up.
    refused = f"http://127.0.0.1:{closed_port('127.0.0.1')}/news"
    folder = project(tmp_path, entry("news", refused))
    settings = "allow_private = true\nbackoff = 0.01\n"
    if probes is not None:
        settings += f"probe_hosts = {json.dumps(probes)}\n"
    (folder / "claimcheck.toml").write_text(settings, encoding="utf-8")
    monkeypatch.chdir(folder)

    report = _verify_json(folder)

    (source,) = report["sources"]
    assert source["status"] == "unreachable"
    assert report["summary"]["network_unreachable"] is True
    if probes is None:
        assert set(hostile_dns) == {"example.com", "www.iana.org", "one.one.one.one"}


def test_probe_that_answers_on_loopback_proves_the_network_up_with_allow_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listener = Listener()
    try:
        refused = f"http://127.0.0.1:{closed_port('127.0.0.1')}/news"
        folder = project(tmp_path, entry("news", refused))
        mapped = f"[::ffff:127.0.0.1]:{listener.port}"
        (folder / "claimcheck.toml").write_text(
            f'allow_private = true\nbackoff = 0.01\nprobe_hosts = ["{mapped}"]\n', encoding="utf-8"
        )
        monkeypatch.chdir(folder)

        report = _verify_json(folder)
    finally:
        listener.close()

    (source,) = report["sources"]
    assert (source["status"], source["reason"]) == ("error", "connection-refused")
    assert listener.count() == 1


def test_probe_to_an_embedded_loopback_address_needs_allow_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listener = Listener()
    try:
        folder = project(tmp_path, entry("news", "http://gone.invalid/news"))
        mapped = f"[::ffff:127.0.0.1]:{listener.port}"
        (folder / "claimcheck.toml").write_text(
            f'backoff = 0.01\nprobe_hosts = ["{mapped}", "{listener.target}"]\n',
            encoding="utf-8",
        )
        monkeypatch.chdir(folder)

        report = _verify_json(folder)
    finally:
        listener.close()

    assert listener.count() == 0
    assert report["sources"][0]["status"] == "unreachable"


# The link check ----------------------------------------------------------------------------


@pytest.mark.parametrize("form", METADATA_FORMS)
def test_link_redirected_to_an_embedded_metadata_address_is_forbidden(
    hosts: HostFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: str
) -> None:
    (host,) = hosts(1)
    host.route("/news", redirect(f"http://{form}/latest/meta-data/"))
    folder = project(tmp_path, entry("news", host.url("/news")))
    monkeypatch.chdir(folder)

    report = _verify_json(folder)

    (source,) = report["sources"]
    assert (source["status"], source["reason"]) == ("skipped", "forbidden-address")


def test_link_to_an_embedded_loopback_address_is_private_without_allow_private(
    hosts: HostFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (host,) = hosts(1)
    host.route("/news", html_page("News"))
    folder = project(tmp_path, entry("news", f"http://[::ffff:{host.host}]:{host.port}/news"))
    (folder / "claimcheck.toml").write_text("probe_hosts = []\nbackoff = 0.01\n", encoding="utf-8")
    monkeypatch.chdir(folder)

    report = _verify_json(folder)

    (source,) = report["sources"]
    assert (source["status"], source["reason"]) == ("skipped", "private-address")
    assert host.requests == []
