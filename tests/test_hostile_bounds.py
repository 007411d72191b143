"""The run's own bounds: a host that stops answering is given up on, and the run has a deadline.

H4: 30 URLs on one host that drips a byte a second took 30 / 4 x 45 s, since the deadline was
per URL and nothing bounded a host or the run.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

from tests.servers import HostFactory, drip, html_page, slow
from tests.test_cli_archive import entry, ledger, run

QUICK = (
    "allow_private = true\nprobe_hosts = []\nbackoff = 0.01\n"
    "connect_timeout = 2\nread_timeout = 5\ntimeout = 2\n"
)


def project(folder: Path, bib: str) -> Path:
    (folder / "references.bib").write_text(bib, encoding="utf-8")
    (folder / "claims.yaml").write_text(ledger(bib), encoding="utf-8")
    (folder / "claimcheck.toml").write_text(QUICK, encoding="utf-8")
    return folder


def test_thirty_urls_on_a_dripping_host_end_after_its_first_timeouts(
    hosts: HostFactory, tmp_path: Path
) -> None:
    dripping, fine = hosts(2)
    dripping.route("*", drip(interval=1.0))
    fine.route("*", html_page("Fine"))
    bib = "".join(entry(f"d{n}", dripping.url(f"/page/{n}")) for n in range(30))
    bib += "".join(entry(f"f{n}", fine.url(f"/page/{n}")) for n in range(3))
    folder = project(tmp_path, bib)

    started = time.monotonic()
    result = run("verify", "--format", "json", cwd=folder)
    took = time.monotonic() - started

    sources = json.loads(result.stdout)["sources"]
    reasons = Counter((s["status"], s["reason"]) for s in sources if s["key"].startswith("d"))
    assert set(reasons) == {("timeout", "total-timeout"), ("timeout", "host-unresponsive")}
    assert reasons["timeout", "host-unresponsive"] >= 20
    assert len(dripping.requests) < 10
    assert [s["status"] for s in sources if s["key"].startswith("f")] == ["alive"] * 3
    unresponsive = next(s for s in sources if s["reason"] == "host-unresponsive")
    assert unresponsive["detail"].startswith("not asked: 2 requests in a row")
    assert took < 12, f"took {took:.1f} s; 30 URLs at 2 s, 4 at once, would take 16 s"


def test_a_host_that_answers_between_timeouts_is_not_given_up_on(
    hosts: HostFactory, tmp_path: Path
) -> None:
    [host] = hosts(1)
    host.route("/slow", slow(html_page("Slow"), 4))
    host.route("*", html_page("Fine"))
    bib = entry("slow", host.url("/slow"))
    bib += "".join(entry(f"f{n}", host.url(f"/page/{n}")) for n in range(8))
    folder = project(tmp_path, bib)

    sources = json.loads(run("verify", "--format", "json", cwd=folder).stdout)["sources"]

    assert [s["status"] for s in sources] == ["timeout"] + ["alive"] * 8


def test_the_run_deadline_ends_what_is_left_as_run_deadline_and_the_report_is_written(
    hosts: HostFactory, tmp_path: Path
) -> None:
    fast, *slow_hosts = hosts(4)
    fast.route("*", html_page("Fast"))
    bib = "".join(entry(f"fast{n}", fast.url(f"/{n}")) for n in range(2))
    for index, host in enumerate(slow_hosts):
        host.route("*", slow(html_page("Slow"), 8))
        bib += "".join(entry(f"slow{index}x{n}", host.url(f"/{n}")) for n in range(6))
    folder = project(tmp_path, bib)
    (folder / "claimcheck.toml").write_text(QUICK.replace("timeout = 2", "timeout = 20"))

    started = time.monotonic()
    command = ("verify", "--run-timeout", "2", "--format", "json", "--output", "report.json")
    result = run(*command, cwd=folder)
    took = time.monotonic() - started

    assert result.stdout == ""
    sources = json.loads((folder / "report.json").read_text(encoding="utf-8"))["sources"]
    assert len(sources) == 20
    for source in sources:
        if source["key"].startswith("fast"):
            assert source["status"] == "alive"
        else:
            assert (source["status"], source["reason"]) == ("timeout", "run-deadline")
            assert "--run-timeout" in source["detail"]
    assert took < 7, f"took {took:.1f} s"
    again = run("verify", "--run-timeout", "2", "--format", "json", cwd=folder)
    fresh = [s for s in json.loads(again.stdout)["sources"] if s["key"].startswith("slow")]
    assert all(s["from_cache"] is False for s in fresh)


def test_the_run_deadline_is_a_setting_too_and_must_be_positive(tmp_path: Path) -> None:
    folder = project(tmp_path, entry("a", "http://127.0.0.1:9/"))

    flag = run("verify", "--run-timeout", "0", cwd=folder, code=2)
    with (folder / "claimcheck.toml").open("a") as settings:
        settings.write("run_timeout = -1\n")
    setting = run("verify", cwd=folder, code=2)

    assert "run_timeout" in flag.stderr
    assert "run_timeout" in setting.stderr
