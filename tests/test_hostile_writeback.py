"""`archive save --write-bib` keeps the bibliography's owner, group and mode, or refuses."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.servers import Host, HostFactory, html_page
from tests.test_cli_archive import entry, project, run

OWNER = 1234
GROUP = 2345
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="changing a file's owner needs root")


@pytest.fixture
def site(hosts: HostFactory) -> Host:
    [host] = hosts(1)
    host.route("*", html_page("A page"))
    return host


@as_root
def test_write_bib_run_by_root_keeps_the_owner_group_and_mode_of_a_users_file(
    site: Host, tmp_path: Path
) -> None:
    folder = project(tmp_path, entry("a", site.url("/a")))
    bib = folder / "references.bib"
    os.chown(bib, OWNER, GROUP)
    bib.chmod(0o640)

    result = run("archive", "save", "--write-bib", cwd=folder)

    assert "references.bib: 1 fields added to 1 entries" in result.stdout
    assert "urldate = {" in bib.read_text(encoding="utf-8")
    facts = bib.stat()
    assert (facts.st_uid, facts.st_gid, stat.S_IMODE(facts.st_mode)) == (OWNER, GROUP, 0o640)


@as_root
def test_write_bib_keeps_a_setgid_bit_after_giving_the_file_back(
    site: Host, tmp_path: Path
) -> None:
    folder = project(tmp_path, entry("a", site.url("/a")))
    bib = folder / "references.bib"
    os.chown(bib, OWNER, GROUP)
    bib.chmod(0o2664)

    run("archive", "save", "--write-bib", cwd=folder)

    facts = bib.stat()
    assert (facts.st_uid, facts.st_gid, stat.S_IMODE(facts.st_mode)) == (OWNER, GROUP, 0o2664)


@pytest.mark.parametrize("mode", [0o444, 0o044, 0o000])
def test_write_bib_refuses_a_file_its_owner_may_not_write_before_fetching_anything(
    site: Host, tmp_path: Path, mode: int
) -> None:
    folder = project(tmp_path, entry("a", site.url("/a")))
    bib = folder / "references.bib"
    before = bib.read_bytes()
    if os.geteuid() == 0:
        os.chown(bib, OWNER, GROUP)
    bib.chmod(mode)

    result = run("archive", "save", "--write-bib", cwd=folder, code=2)

    assert result.stderr.startswith(
        "error: references.bib: the bibliography is read-only: its owner may not write it"
    )
    assert "hint:" in result.stderr
    assert bib.read_bytes() == before
    assert stat.S_IMODE(bib.stat().st_mode) == mode
    assert site.requests == []
