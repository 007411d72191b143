"""Inside a private network namespace: a metadata service, servers leading to it, claimcheck runs.

Run by tests/test_hostile_netns.py as ``unshare -n -m -- python -m tests.netns_scenario DIR``:
it binds the metadata address and IPv6 forms of it on the namespace's loopback device, makes
names resolve to them (a bind-mounted /etc/hosts, private to the namespace), records every
connection that reaches them, runs `claimcheck verify` and `claimcheck archive save --wayback
--wayback-capture` against servers that redirect there, and prints a JSON account.
"""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from tests.servers import Host, html_page, redirect
from tests.test_cli_archive import entry, ledger
from tests.wayback_server import WaybackStandIn

# The metadata service at 169.254.169.254 and the IPv6 forms a translator or relay would
# carry to it, each bound here on the loopback device so that a connection would arrive.
IPV4 = "169.254.169.254"
IPV6 = (
    "64:ff9b::a9fe:a9fe",  # NAT64, well-known prefix
    "64:ff9b:1::a9fe:a9fe",  # NAT64, local-use prefix
    "2002:a9fe:a9fe::1",  # 6to4
    "2001:0:5db8:d70e:0:fbaa:5601:5601",  # Teredo, client 169.254.169.254
    "fd00:ec2::254",  # AWS metadata over IPv6
)
PORTS = (80, 443)
NAMES = {
    "metadata.test": IPV4,
    "nat64.test": IPV6[0],
    "sixtofour.test": IPV6[2],
    # The default probe hosts.
    "example.com": IPV4,
    "www.iana.org": IPV6[0],
    "one.one.one.one": IPV6[4],
}
TARGETS = (
    IPV4,
    f"[{IPV6[0]}]",
    f"[{IPV6[1]}]",
    f"[{IPV6[2]}]",
    f"[{IPV6[3]}]",
    f"[{IPV6[4]}]",
    "[::ffff:169.254.169.254]",
    "[::ffff:0:a9fe:a9fe]",
    "2852039166",
    *NAMES,
)


def sh(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True)


def isolate(folder: Path) -> None:
    """Bring up lo with the metadata addresses; names resolve there (in this namespace only)."""
    sh("ip", "link", "set", "lo", "up")
    sh("ip", "addr", "add", f"{IPV4}/32", "dev", "lo")
    for address in IPV6:
        sh("ip", "-6", "addr", "add", f"{address}/128", "dev", "lo", "nodad")
    hosts = folder / "hosts"
    lines = ["127.0.0.1 localhost", "::1 localhost"]
    lines += [f"{address} {name}" for name, address in NAMES.items()]
    hosts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sh("mount", "--bind", str(hosts), "/etc/hosts")


class Recorder:
    """Listens on every metadata address and port; records each connection that arrives."""

    def __init__(self) -> None:
        self.arrived: list[str] = []
        self._sockets: list[socket.socket] = []
        for address in (IPV4, *IPV6):
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            for port in PORTS:
                listener = socket.socket(family, socket.SOCK_STREAM)
                listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                listener.bind((address, port))
                listener.listen(64)
                self._sockets.append(listener)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select(self._sockets, [], [], 0.05)
            for listener in ready:
                connection, _peer = listener.accept()
                name = listener.getsockname()
                self.arrived.append(f"{name[0]}:{name[1]}")
                connection.close()

    def canary(self) -> int:
        """Connect to every listener once: proof that a connection would be recorded."""
        for listener in self._sockets:
            address, port = listener.getsockname()[:2]
            with socket.create_connection((address, port), timeout=2):
                pass
        deadline = time.monotonic() + 2
        while len(self.arrived) < len(self._sockets) and time.monotonic() < deadline:
            time.sleep(0.01)
        seen = len(self.arrived)
        self.arrived.clear()
        return seen

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        for listener in self._sockets:
            listener.close()


def project(folder: Path, urls: list[str], settings: str) -> Path:
    folder.mkdir()
    bib = "".join(entry(f"k{i}", url) for i, url in enumerate(urls))
    (folder / "references.bib").write_text(bib, encoding="utf-8")
    (folder / "claims.yaml").write_text(ledger(bib), encoding="utf-8")
    (folder / "claimcheck.toml").write_text(settings, encoding="utf-8")
    return folder


def claimcheck(folder: Path, *args: str) -> dict[str, Any]:
    environment = {**os.environ, "IA_ACCESS_KEY": "key", "IA_SECRET_KEY": "secret"}
    result = subprocess.run(
        [sys.executable, "-m", "claimcheck", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
    return {
        "args": list(args),
        "code": result.returncode,
        "traceback": "Traceback" in result.stderr,
        "stdout": result.stdout,
        "stderr": result.stderr,
    }


def scenario(folder: Path) -> dict[str, Any]:
    isolate(folder)
    recorder = Recorder()
    canary = recorder.canary()
    site = Host("127.0.0.1")
    started = [site]
    try:
        site.route("/alive", html_page("Alive"))
        for number, target in enumerate(TARGETS):
            site.route(f"/to{number}", redirect(f"http://{target}/latest/meta-data/", 307))
        refused = socket.socket()
        refused.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{refused.getsockname()[1]}/"  # forces the probe to be asked
        refused.close()
        links = [site.url(f"/to{n}") for n in range(len(TARGETS))]
        links += [f"http://{target}/latest/meta-data/" for target in TARGETS]
        checked = project(folder / "verify", [*links, closed], "allow_private = true\n")
        probes = json.dumps([f"{target}:{PORTS[n % 2]}" for n, target in enumerate(TARGETS)])
        probed = project(
            folder / "probe",
            [closed],
            f"allow_private = true\nprobe_hosts = {probes}\n",
        )
        saving = project(
            folder / "save", [site.url("/alive")], "allow_private = true\nprobe_hosts = []\n"
        )
        archives = []
        for code in (302, 307):
            stand_in = WaybackStandIn(Host("127.0.0.1"))
            started.append(stand_in.host)
            stand_in.answer_next(1000, code, [("Location", f"http://{IPV4}/latest/meta-data/")])
            archives.append(stand_in.base_url)
        runs = [
            claimcheck(checked, "verify", "--no-cache", "--no-archive", "--format", "json"),
            claimcheck(probed, "verify", "--no-cache", "--no-archive", "--format", "json"),
        ]
        for archive in [*archives, "http://metadata.test", "http://nat64.test:443"]:
            runs.append(
                claimcheck(
                    saving, "archive", "save", "--wayback", "--wayback-capture",
                    "--wayback-url", archive,
                )
            )  # fmt: skip
        runs.append(
            claimcheck(saving, "archive", "save", "--wayback", "--wayback-url", f"http://{IPV4}/")
        )
        time.sleep(0.2)
        listeners = len(PORTS) * (1 + len(IPV6))
        return {"canary": canary, "listeners": listeners, "arrived": recorder.arrived, "runs": runs}
    finally:
        for host in started:
            host.stop()
        recorder.close()


if __name__ == "__main__":
    print(json.dumps(scenario(Path(sys.argv[1]))))
