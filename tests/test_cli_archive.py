"""The archive end to end: `claimcheck archive ...`, archiving verify, rescue, Wayback, offline."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from claimcheck.archive.commands import WaybackRequest, save, wayback_options
from claimcheck.archive.index import ArchiveIndex
from claimcheck.config import load_settings
from claimcheck.project import CACHE_FILE
from tests.servers import HTML, HostFactory, html_document, html_page, page
from tests.test_cli import claimcheck
from tests.wayback_server import CDX, SAVE, WaybackFactory, WaybackStandIn, wayback_stand_in

__all__ = ["wayback_stand_in"]

SETTINGS = "allow_private = true\nprobe_hosts = []\nbackoff = 0.01\ntimeout = 10\n"
REVISIT_PROFILE = re.compile(
    r"^http://netpreserve\.org/warc/1\.[01]/revisit/identical-payload-digest$"
)
NOT_FOUND = html_document("Not Found").encode()
NO_ARCHIVE = "there is no archive here yet"

# Project folders ---------------------------------------------------------------------------


def entry(key: str, url: str, **fields: str) -> str:
    """An @online entry citing ``url``, one field a line, with ``fields`` after the url."""
    lines = [f"@online{{{key},", f"  title = {{Page {key}}},", f"  url = {{{url}}},"]
    lines += [f"  {name} = {{{value}}}," for name, value in fields.items()]
    return "\n".join([*lines, "}", ""])


def ledger(bib: str) -> str:
    """A claims ledger with one claim citing every reference of ``bib``."""
    keys = re.findall(r"^@\w+\{([^,\s]+),", bib, flags=re.M)
    evidence = "".join(f"      - source: {key}\n" for key in keys)
    return f"version: 1\nclaims:\n  - id: c1\n    text: A claim.\n    evidence:\n{evidence}"


def project(folder: Path, bib: str, settings: str = "") -> Path:
    """A project citing what ``bib`` cites, checking loopback hosts, quickly, in ``folder``."""
    (folder / "references.bib").write_text(bib, encoding="utf-8")
    (folder / "claims.yaml").write_text(ledger(bib), encoding="utf-8")
    (folder / "claimcheck.toml").write_text(SETTINGS + settings, encoding="utf-8")
    return folder


def run(*args: str, cwd: Path, code: int = 0, **env: str) -> subprocess.CompletedProcess[str]:
    """``claimcheck *args`` in ``cwd``, which must exit with ``code`` and print no traceback."""
    result = claimcheck(*args, cwd=cwd, env=env or None)
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result


def seed(folder: Path, wayback_url: str | None = None) -> None:
    """Capture the project's sources in this process, as `archive save` would, to set a scene.

    Only for setting up: what a test is about runs as a command, in its own process.
    """
    flags = {"bib": folder / "references.bib", "cache_dir": folder / ".claimcheck"}
    settings = load_settings(folder, flags=flags | {"wayback_url": wayback_url})
    wayback = WaybackRequest(options=wayback_options(settings, {})) if wayback_url else None
    save(settings, wayback=wayback)


def today() -> str:
    """Today's date in UTC, as claimcheck writes dates."""
    return datetime.now(UTC).date().isoformat()


def sha1_digest(body: bytes) -> str:
    """A body's WARC-Payload-Digest, computed here rather than by claimcheck."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def squeezed(text: str) -> str:
    """``text`` without any whitespace, to compare text a table wrapped over lines."""
    return "".join(text.split())


# Reading what claimcheck wrote -------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One WARC record as warcio reads it back, its digests checked."""

    kind: str
    headers: dict[str, str]
    http_headers: dict[str, str]
    body: bytes
    digests_passed: bool | None
    digest_problems: tuple[str, ...]


def warc_files(folder: Path) -> list[Path]:
    """The project's WARC files."""
    return sorted((folder / ".claimcheck" / "archive").glob("*.warc.gz"))


def read_warc(path: Path) -> list[Record]:
    """Every record of one WARC file, in file order."""
    records = []
    with path.open("rb") as handle:
        for record in ArchiveIterator(handle, check_digests=True):
            body = record.content_stream().read()
            http = record.http_headers.headers if record.http_headers else []
            records.append(
                Record(
                    kind=record.rec_type,
                    headers=dict(record.rec_headers.headers),
                    http_headers=dict(http),
                    body=body,
                    digests_passed=record.digest_checker.passed,
                    digest_problems=tuple(record.digest_checker.problems),
                )
            )
    return records


def all_records(folder: Path) -> list[Record]:
    """Every record of every WARC file of the project."""
    return [record for path in warc_files(folder) for record in read_warc(path)]


def of_kind(records: list[Record], kind: str, url: str) -> list[Record]:
    """The records of one type about ``url``."""
    return [r for r in records if r.kind == kind and r.headers.get("WARC-Target-URI") == url]


def archive_bytes(folder: Path) -> int:
    """The size of every WARC file of the project, together."""
    return sum(path.stat().st_size for path in warc_files(folder))


def table(output: str, title: str) -> list[dict[str, str]]:
    """The rows of the rich table titled ``title``: column -> the cell's lines joined by spaces.

    Columns are told apart by where their headings start; a row starts on a line whose first
    cell is not empty (later lines of a row are wrapped text).
    """
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(title))
    heading_at = next(i for i in range(start + 1, len(lines)) if set(lines[i + 1].strip()) == {"─"})
    heading = lines[heading_at]
    names = heading.split()
    starts: list[int] = []
    for name in names:
        starts.append(heading.index(f" {name}", starts[-1] if starts else 0) + 1)
    rows: list[dict[str, list[str]]] = []
    for line in lines[heading_at + 2 :]:
        if not line.strip():
            break
        cells = [line[a:b].strip() for a, b in zip(starts, [*starts[1:], len(line)], strict=True)]
        if cells[0] or not rows:
            rows.append({name: [] for name in names})
        for name, cell in zip(names, cells, strict=True):
            if cell:
                rows[-1][name].append(cell)
    return [{name: " ".join(parts) for name, parts in row.items()} for row in rows]


def finding_lines(output: str, code: str) -> list[str]:
    """The report's lines of findings with ``code``."""
    return [line for line in output.splitlines() if f" {code} " in line]


# 1. verify archives what it fetches --------------------------------------------------------


def test_verify_keeps_a_warc_snapshot_whose_records_pair_up_and_pass_their_digests(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    body = html_document("Visa-free travel", "<p>China trials visa-free travel.</p>").encode()
    host.route("/news", page(body))
    url = host.url("/news")
    folder = project(tmp_path, entry("news2024", url))

    report = json.loads(run("verify", "--format", "json", cwd=folder).stdout)

    (warc,) = warc_files(folder)
    records = read_warc(warc)
    assert records[0].kind == "warcinfo"
    (response,) = of_kind(records, "response", url)
    (request,) = of_kind(records, "request", url)
    assert [r.kind for r in records] == ["warcinfo", "response", "request"]
    assert response.body == body
    assert response.http_headers["Content-Type"] == HTML
    assert request.headers["WARC-Concurrent-To"] == response.headers["WARC-Record-ID"]
    assert all(r.digest_problems == () for r in records)
    assert all(r.digests_passed is True for r in records)
    assert response.headers["WARC-Payload-Digest"] == sha1_digest(body)
    (source,) = report["sources"]
    snapshot = source["snapshot"]
    assert snapshot["captured_at"] == source["checked_at"]
    assert snapshot["http_status"] == 200
    assert snapshot["payload_digest"] == sha1_digest(body)
    assert snapshot["text_chars"] > 0


def test_verify_no_archive_writes_no_warc(hosts: HostFactory, tmp_path: Path) -> None:
    (host,) = hosts(1)
    host.route("/news", html_page("Visa-free travel"))
    folder = project(tmp_path, entry("news2024", host.url("/news")))

    report = json.loads(run("verify", "--no-archive", "--format", "json", cwd=folder).stdout)

    assert report["sources"][0]["status"] == "alive"
    assert report["sources"][0]["snapshot"] is None
    assert warc_files(folder) == []
    assert len(host.hits("/news")) == 1


def test_verify_archives_cited_iris_under_the_uris_it_sent(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    chinese, korean = "/%E6%96%B0%E9%97%BB/%E7%AD%BE%E8%AF%81", "/search?q=%EB%B9%84%EC%9E%90"
    host.route(chinese, html_page("签证"))
    host.route(korean, html_page("비자"))
    host.route("/caf%C3%A9", html_page("Café"))
    host.route("/%EC%97%86%EC%9D%8C", page(NOT_FOUND, status=404))
    cited = {
        "news": (host.url("/新闻/签证"), host.url(chinese)),
        "search": (host.url("/search?q=비자"), host.url(korean)),
        "cafe": (host.url("/caf%C3%A9"), host.url("/caf%C3%A9")),
        "gone": (host.url("/없음"), host.url("/%EC%97%86%EC%9D%8C")),
    }
    bib = "\n".join(entry(key, iri) for key, (iri, _) in cited.items())
    folder = project(tmp_path, bib)

    result = run("verify", "--allow-private", "--no-cache", "--format", "json", cwd=folder, code=1)

    report = json.loads(result.stdout)
    assert [(s["url"], s["status"]) for s in report["sources"]] == [
        (iri, "dead" if key == "gone" else "alive") for key, (iri, _) in cited.items()
    ]
    # The claim rests on the dead page too, of which no copy was kept before: it is broken.
    errors = [f["code"] for f in report["findings"] if f["severity"] == "error"]
    assert errors == ["CC601", "CC501"]
    records = all_records(folder)
    sent = {uri for _, uri in cited.values()}
    assert {r.headers["WARC-Target-URI"] for r in records if r.kind == "response"} == sent
    assert {r.headers["WARC-Target-URI"] for r in records if r.kind == "request"} == sent
    assert sorted(request_lines(folder)) == sorted(
        f"GET {uri.removeprefix(host.base_url)} HTTP/1.1" for uri in sent
    )
    assert [s["snapshot"]["url"] for s in report["sources"]] == [uri for _, uri in cited.values()]
    with closing(ArchiveIndex(folder / ".claimcheck" / CACHE_FILE)) as index:
        for iri, uri in cited.values():
            assert [capture.target for capture in index.captures(iri)] == [uri]
    shown = run("archive", "show", "news", cwd=folder).stdout
    assert squeezed(f"Captures of {cited['news'][0]}") in squeezed(shown)


def request_lines(folder: Path) -> list[str]:
    """The HTTP request line of every request record of the project's WARC files."""
    lines = []
    for path in warc_files(folder):
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type == "request":
                    lines.append(f"{record.http_headers.protocol} {record.http_headers.statusline}")
    return lines


# 2. and 3. what archive save stores ---------------------------------------------------------


def test_an_unchanged_page_saved_again_is_a_revisit_and_a_changed_one_a_new_response(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    first = html_document("Edition one", "<p>The first text.</p>").encode()
    second = html_document("Edition two", "<p>The second text.</p>").encode()
    host.route("/page", page(first))
    url = host.url("/page")
    folder = project(tmp_path, entry("page2024", url))

    run("archive", "save", cwd=folder)
    run("archive", "save", cwd=folder)

    records = all_records(folder)
    (response,) = of_kind(records, "response", url)
    (revisit,) = of_kind(records, "revisit", url)
    assert REVISIT_PROFILE.match(revisit.headers["WARC-Profile"])
    assert revisit.headers["WARC-Refers-To-Target-URI"] == url
    assert revisit.headers["WARC-Refers-To-Date"] == response.headers["WARC-Date"]
    assert revisit.headers["WARC-Payload-Digest"] == sha1_digest(first)
    assert revisit.body == b""
    assert [r.body for r in records].count(first) == 1
    assert len(of_kind(records, "request", url)) == 2

    host.route("/page", page(second))
    run("archive", "save", cwd=folder)

    records = all_records(folder)
    assert sorted(r.body for r in of_kind(records, "response", url)) == sorted([first, second])
    assert len(of_kind(records, "revisit", url)) == 1
    assert all(r.digest_problems == () for r in records)


def test_a_page_beyond_max_body_is_stored_cut_and_marked_truncated(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    body = html_document("Long", "<p>" + "word " * 4000 + "</p>").encode()
    host.route("/long", page(body))
    url = host.url("/long")
    folder = project(tmp_path, entry("long2024", url), settings="max_body = 4096\n")

    run("archive", "save", cwd=folder)

    (response,) = of_kind(all_records(folder), "response", url)
    assert response.headers["WARC-Truncated"] == "length"
    assert response.body == body[:4096]
    assert response.http_headers["Content-Length"] == "4096"
    assert response.headers["WARC-Payload-Digest"] == sha1_digest(body[:4096])
    assert response.digest_problems == ()


# 4. and 5. reading the archive back ---------------------------------------------------------

GBK_TITLE = "免签政策"
GBK_TEXT = "中国对法国、德国、意大利、荷兰、西班牙、马来西亚六国试行单方面免签政策。"
UTF8_TEXT = "Ελληνικά και 中文 in one page: naïve café."


@dataclass(frozen=True)
class TwoPages:
    """A project citing a GBK page and a UTF-8 page, with the pages' bodies."""

    folder: Path
    gbk_url: str
    gbk_body: bytes
    utf8_url: str
    utf8_body: bytes


@pytest.fixture
def two_pages(hosts: HostFactory, tmp_path: Path) -> TwoPages:
    """A GBK page (its charset in the Content-Type only) and a UTF-8 page, cited, not archived."""
    (host,) = hosts(1)
    gbk_body = (
        f"<!doctype html><html><head><title>{GBK_TITLE}</title></head>"
        f"<body><p>{GBK_TEXT}</p></body></html>"
    ).encode("gbk")
    utf8_body = html_document("UTF-8 page", f"<p>{UTF8_TEXT}</p>").encode()
    host.route("/gbk", page(gbk_body, content_type="text/html; charset=GBK"))
    host.route("/utf8", page(utf8_body))
    gbk_url, utf8_url = host.url("/gbk"), host.url("/utf8")
    folder = tmp_path / "project"
    folder.mkdir()
    project(folder, entry("gbk2024", gbk_url) + "\n" + entry("utf2024", utf8_url))
    return TwoPages(folder, gbk_url, gbk_body, utf8_url, utf8_body)


def exported(result: subprocess.CompletedProcess[str]) -> dict[str, Path]:
    """The files `archive export` wrote, by kind: body, text, facts."""
    paths = [Path(line) for line in result.stdout.splitlines()]
    text = [p for p in paths if p.name.endswith(".text.txt")]
    facts = [p for p in paths if p.suffix == ".json"]
    body = [p for p in paths if p not in text and p not in facts]
    assert len(body) == 1, paths
    assert len(facts) == 1, paths
    assert len(text) <= 1, paths
    return {"body": body[0], "facts": facts[0], **({"text": text[0]} if text else {})}


def test_export_writes_the_body_its_decoded_text_and_its_facts(
    two_pages: TwoPages, tmp_path: Path
) -> None:
    folder = two_pages.folder
    seed(folder)

    gbk = exported(run("archive", "export", "gbk2024", "--to", str(tmp_path / "gbk"), cwd=folder))
    utf8 = exported(
        run("archive", "export", two_pages.utf8_url, "--to", str(tmp_path / "u"), cwd=folder)
    )

    assert gbk["body"].read_bytes() == two_pages.gbk_body
    assert gbk["body"].suffix == ".html"
    assert gbk["text"].read_text(encoding="utf-8") == f"{GBK_TITLE}\n\n{GBK_TEXT}"
    facts = json.loads(gbk["facts"].read_text(encoding="utf-8"))
    assert facts["url"] == two_pages.gbk_url
    assert facts["http_status"] == 200
    assert facts["payload_digest"] == sha1_digest(two_pages.gbk_body)
    assert facts["text_kind"] == "html"
    assert facts["text_charset"] == "gb18030"
    assert facts["truncated"] is False
    assert facts["body_file"] == gbk["body"].name
    assert utf8["body"].read_bytes() == two_pages.utf8_body
    assert UTF8_TEXT in utf8["text"].read_text(encoding="utf-8")
    assert json.loads(utf8["facts"].read_text(encoding="utf-8"))["text_charset"] == "utf-8"


def test_show_and_list_tell_each_sources_captures(two_pages: TwoPages) -> None:
    folder = two_pages.folder
    seed(folder)
    seed(folder)

    shown = run("archive", "show", "gbk2024", cwd=folder).stdout
    listed = run("archive", "list", cwd=folder).stdout

    captures = table(shown, f"Captures of {two_pages.gbk_url}")
    assert [row["status"] for row in captures] == ["200", "200"]
    assert [row["stored"] for row in captures] == ["new", "same as before"]
    assert {squeezed(row["digest"]) for row in captures} == {sha1_digest(two_pages.gbk_body)}
    assert all(row["captured"].startswith(today()) for row in captures)
    rows = {row["reference"]: row for row in table(listed, "Archived sources")}
    assert set(rows) == {"gbk2024", "utf2024"}
    for row in rows.values():
        assert row["snapshots"] == "2"
        assert row["newest"].startswith(today())
        assert row["status"] == "200"
    assert squeezed(rows["utf2024"]["url"]) == two_pages.utf8_url


def test_show_of_an_unknown_key_exits_2_with_a_hint(two_pages: TwoPages) -> None:
    seed(two_pages.folder)

    result = run("archive", "show", "nokey2024", cwd=two_pages.folder, code=2)

    assert "no reference 'nokey2024' with a URL" in result.stderr
    assert "hint: give a reference key from the bibliography, or a URL" in result.stderr
    assert result.stdout == ""


def test_archive_verify_passes_a_fresh_archive_with_its_counts(two_pages: TwoPages) -> None:
    seed(two_pages.folder)

    result = run("archive", "verify", cwd=two_pages.folder)

    assert result.stdout.strip() == (
        "1 WARC files, 5 records, 2 captures, 2 stored payloads: every digest matches and "
        "every index entry finds its record"
    )


# 6. prune ----------------------------------------------------------------------------------


def test_prune_keeps_the_newest_capture_of_each_url_and_the_archive_stays_sound(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    steady = html_document("Steady", "<p>Never changes.</p>").encode()
    host.route("/steady", page(steady))
    changing_url, steady_url = host.url("/changing"), host.url("/steady")
    bib = entry("changing2024", changing_url) + "\n" + entry("steady2024", steady_url)
    folder = project(tmp_path, bib)
    editions = [
        html_document(f"Edition {n}", f"<p>Text number {n}.</p>").encode() for n in range(3)
    ]
    for edition in editions:
        host.route("/changing", page(edition))
        seed(folder)
    before = archive_bytes(folder)

    pruned = run("archive", "prune", "--keep", "1", cwd=folder).stdout

    after = archive_bytes(folder)
    assert after < before
    assert pruned.strip() == (
        f"dropped 4 captures, kept 2; the archive went from {before:,} to {after:,} bytes"
    )
    records = all_records(folder)
    (changing,) = of_kind(records, "response", changing_url)
    assert changing.body == editions[-1]
    assert not any(edition in [r.body for r in records] for edition in editions[:-1])
    assert len(of_kind(records, "request", changing_url)) == 1
    assert len(of_kind(records, "request", steady_url)) == 1
    assert len(warc_files(folder)) == 1
    checked = run("archive", "verify", cwd=folder).stdout
    assert ", 2 captures, " in checked
    assert "every digest matches" in checked
    files = exported(
        run("archive", "export", "steady2024", "--to", str(tmp_path / "out"), cwd=folder)
    )
    assert files["body"].read_bytes() == steady


def test_an_unchanged_page_saved_after_a_prune_is_still_a_revisit(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    steady = html_document("Steady", "<p>Never changes.</p>").encode()
    host.route("/steady", page(steady))
    url = host.url("/steady")
    folder = project(tmp_path, entry("steady2024", url))
    seed(folder)
    seed(folder)
    run("archive", "prune", "--keep", "1", cwd=folder)

    run("archive", "save", cwd=folder)

    records = all_records(folder)
    assert [r.body for r in records].count(steady) == 1
    assert len(of_kind(records, "response", url)) == 1
    assert len(of_kind(records, "revisit", url)) == 2


# 7. rescue ---------------------------------------------------------------------------------


def wayback_stamp(day: str, clock: str = "000000") -> str:
    """A Wayback timestamp for ``day`` (YYYY-MM-DD) at ``clock`` (HHMMSS)."""
    return day.replace("-", "") + clock


def test_a_dead_source_shows_its_newest_archived_copy_preferring_wayback_on_the_same_day(
    hosts: HostFactory, wayback_stand_in: WaybackFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    archive = wayback_stand_in()
    host.route("/news", html_page("Visa-free travel"))
    url = host.url("/news")
    archive.add_capture(url, "20200101120000")
    folder = project(tmp_path, entry("news2024", url))
    seed(folder, archive.base_url)
    host.route("/news", page(NOT_FOUND, status=404))

    local = run("verify", "--max-age", "0s", cwd=folder, code=1).stdout

    rescue = f"archived copy {today()}: local snapshot of {url}"
    (finding,) = finding_lines(local, "CC501")
    assert finding.endswith(f"HTTP 404; {rescue} [source-dead]")
    (row,) = table(local, "Sources (1)")
    assert squeezed(rescue) in squeezed(row["why"])

    stamp = wayback_stamp(today())
    archive.add_capture(url, stamp)
    seed(folder, archive.base_url)
    wayback = run("verify", "--max-age", "0s", cwd=folder, code=1).stdout

    rescue = f"archived copy {today()}: {archive.base_url}/web/{stamp}/{url}"
    (finding,) = finding_lines(wayback, "CC501")
    assert f"; {rescue} [source-dead]" in finding
    (row,) = table(wayback, "Sources (1)")
    assert squeezed(rescue) in squeezed(row["why"])
    assert "local snapshot" not in row["why"]


# 8. the Wayback Machine --------------------------------------------------------------------


def test_save_wayback_records_the_capture_closest_before_the_urldate(
    hosts: HostFactory, wayback_stand_in: WaybackFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    archive = wayback_stand_in()
    host.route("/news", html_page("Visa-free travel"))
    url = host.url("/news")
    for stamp in ("20240301000000", "20240314080000", "20240316000000"):
        archive.add_capture(url, stamp)
    folder = project(tmp_path, entry("news2024", url, urldate="2024-03-15"))

    saved = run("archive", "save", "--wayback", "--wayback-url", archive.base_url, cwd=folder)
    shown = run("archive", "show", "news2024", cwd=folder).stdout

    (lookup,) = archive.hits(CDX)
    assert re.search(r"(?:^|&)to=20240315235959(?:&|$)", lookup.query)
    memento = f"{archive.base_url}/web/20240314080000/{url}"
    (row,) = table(saved.stdout, "Sources (1)")
    assert squeezed(row["wayback"]) == squeezed(f"2024-03-14 08:00:00Z: {memento}")
    assert "wayback lookups: 1 of 1 found" in saved.stdout
    (known,) = table(shown, "Wayback mementos")
    assert known["captured"] == "2024-03-14 08:00:00Z"
    assert known["via"] == "cdx"
    assert squeezed(known["memento"]) == memento


def test_wayback_capture_sends_the_keys_from_the_environment(
    hosts: HostFactory, wayback_stand_in: WaybackFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    archive = wayback_stand_in()
    archive.require_credentials("key", "secret")
    host.route("/news", html_page("Visa-free travel"))
    url = host.url("/news")
    folder = project(tmp_path, entry("news2024", url))

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

    (post,) = archive.hits(SAVE)
    assert post.method == "POST"
    assert post.headers["Authorization"] == "LOW key:secret"
    (row,) = table(saved.stdout, "Sources (1)")
    memento = f"{archive.base_url}/web/{archive.capture_timestamp}/{url}"
    assert squeezed(row["wayback"]) == squeezed(f"2024-11-22 09:30:00Z: {memento}")
    assert "new captures: 1 of 1 found" in saved.stdout


def test_wayback_rate_limit_beyond_the_cap_is_reported_and_save_still_exits_0(
    hosts: HostFactory, wayback_stand_in: WaybackFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    archive = wayback_stand_in()
    archive.add_capture(host.url("/news"), "20240314080000")
    archive.rate_limit_next(100, retry_after="3600")
    host.route("/news", html_page("Visa-free travel"))
    folder = project(tmp_path, entry("news2024", host.url("/news"), urldate="2024-03-15"))

    saved = run("archive", "save", "--wayback", "--wayback-url", archive.base_url, cwd=folder)

    (row,) = table(saved.stdout, "Sources (1)")
    assert row["status"] == "alive"
    assert squeezed(row["wayback"]) == squeezed(
        "rate-limited: the archive answered HTTP 429 and asked to wait 3600 s, beyond the 120 s cap"
    )
    assert len(archive.requests) == 1
    assert "wayback lookups: 0 of 1 found" in saved.stdout


def _server_errors(archive: WaybackStandIn) -> None:
    archive.answer_next(100, 503, [("Retry-After", "0"), ("Content-Type", "text/plain")])


def _garbled(archive: WaybackStandIn) -> None:
    archive.garble_next(100)


@pytest.mark.parametrize(
    ("misbehave", "expected"),
    [
        (_server_errors, "error: the archive answered HTTP 503 to all 4 tries"),
        (_garbled, "error: malformed JSON from /cdx/search/cdx: "),
    ],
    ids=["server-errors", "garbled-json"],
)
def test_a_failing_wayback_gives_a_per_source_status_not_a_traceback(
    hosts: HostFactory,
    wayback_stand_in: WaybackFactory,
    tmp_path: Path,
    misbehave: Callable[[WaybackStandIn], None],
    expected: str,
) -> None:
    (host,) = hosts(1)
    archive = wayback_stand_in()
    misbehave(archive)
    host.route("/news", html_page("Visa-free travel"))
    folder = project(tmp_path, entry("news2024", host.url("/news"), urldate="2024-03-15"))

    saved = run("archive", "save", "--wayback", "--wayback-url", archive.base_url, cwd=folder)

    (row,) = table(saved.stdout, "Sources (1)")
    assert squeezed(row["wayback"]).startswith(squeezed(expected))
    assert row["status"] == "alive"
    assert saved.stderr == "checked 1/1 (100%)\n"


# 9. writing back into the bibliography ----------------------------------------------------

BIB_HEAD = """% Sources of the paper; keep this comment.
@article{paper2020,
  title = {A paper without a link},
  year = {2020},
}

"""


@dataclass(frozen=True)
class IncompleteBib:
    """A project whose entries lack some of urldate, archiveurl and archivedate."""

    folder: Path
    bib: Path
    expected: str
    command: tuple[str, ...]


@pytest.fixture
def incomplete(
    hosts: HostFactory, wayback_stand_in: WaybackFactory, tmp_path: Path
) -> IncompleteBib:
    """Entries with and without urldate, archived or not, alive or dead, and what they become.

    fresh2024 gains all three fields, dated2024 the memento before its urldate, unarchived2024
    its urldate only; kept2024 has them all already and gone2024 never answered.
    """
    (host,) = hosts(1)
    archive = wayback_stand_in()
    for path in ("/fresh", "/dated", "/unarchived", "/kept"):
        host.route(path, html_page(f"Page {path}"))
    host.route("/gone", page(NOT_FOUND, status=404))
    fresh, dated, unarchived, kept, gone = (
        host.url(p) for p in ("/fresh", "/dated", "/unarchived", "/kept", "/gone")
    )
    for url, stamp in [
        (fresh, "20240310120000"),
        (dated, "20240314080000"),
        (dated, "20240401000000"),
        (kept, "20230101000000"),
    ]:
        archive.add_capture(url, stamp)
    old = f"https://web.archive.org/web/2023/{kept}"
    original = BIB_HEAD + "\n".join(
        [
            entry("fresh2024", fresh),
            entry("dated2024", dated, urldate="2024-03-15"),
            entry("unarchived2024", unarchived),
            entry("kept2024", kept, urldate="2023-01-05", archiveurl=old, archivedate="2023-01-05"),
            entry("gone2024", gone),
        ]
    )

    def added(url: str, stamp: str, day: str) -> str:
        memento = f"{archive.base_url}/web/{stamp}/{url}"
        return f"  archiveurl = {{{memento}}},\n  archivedate = {{{day}}},\n"

    urldate = f"  urldate = {{{today()}}},\n"
    expected = (
        original.replace(
            f"  url = {{{fresh}}},\n",
            f"  url = {{{fresh}}},\n{urldate}{added(fresh, '20240310120000', '2024-03-10')}",
        )
        .replace(
            "  urldate = {2024-03-15},\n",
            f"  urldate = {{2024-03-15}},\n{added(dated, '20240314080000', '2024-03-14')}",
        )
        .replace(f"  url = {{{unarchived}}},\n", f"  url = {{{unarchived}}},\n{urldate}")
    )
    folder = project(tmp_path, original)
    command = ("archive", "save", "--write-bib", "--wayback", "--wayback-url", archive.base_url)
    return IncompleteBib(folder, folder / "references.bib", expected, command)


def test_write_bib_adds_only_missing_fields_and_changes_no_other_byte(
    incomplete: IncompleteBib,
) -> None:
    first = run(*incomplete.command, cwd=incomplete.folder)

    assert incomplete.bib.read_text(encoding="utf-8") == incomplete.expected
    summary = "references.bib: 6 fields added to 3 entries (4 already there or not addable)"
    assert summary in first.stdout
    written = incomplete.bib.stat().st_mtime_ns

    second = run(*incomplete.command, cwd=incomplete.folder)

    assert incomplete.bib.read_text(encoding="utf-8") == incomplete.expected
    assert incomplete.bib.stat().st_mtime_ns == written
    assert "references.bib: 0 fields added to 0 entries" in second.stdout


def test_write_bib_keeps_a_crlf_file_crlf(incomplete: IncompleteBib) -> None:
    original = incomplete.bib.read_bytes()
    incomplete.bib.write_bytes(original.replace(b"\n", b"\r\n"))

    run(*incomplete.command, cwd=incomplete.folder)

    assert incomplete.bib.read_bytes() == incomplete.expected.replace("\n", "\r\n").encode()


# 10. offline --------------------------------------------------------------------------------


def test_offline_verify_recalls_the_last_checks_and_snapshots_without_a_request(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    alive = html_document("Visa-free travel", "<p>Six countries.</p>").encode()
    host.route("/news", page(alive))
    host.route("/never", html_page("Never checked"))
    url, never_url = host.url("/news"), host.url("/never")
    folder = project(tmp_path, entry("news2024", url))
    seed(folder)
    host.route("/news", page(NOT_FOUND, status=404))
    seed(folder)
    project(folder, entry("news2024", url) + "\n" + entry("never2024", never_url))
    seen = len(host.requests)

    offline = run("verify", "--offline", "--format", "json", cwd=folder, code=1)

    assert len(host.requests) == seen
    news, never = json.loads(offline.stdout)["sources"]
    assert (news["status"], news["reason"], news["from_cache"]) == ("dead", "not-found", True)
    assert news["checked_at"].startswith(today())
    assert news["snapshot"]["http_status"] == 404
    assert news["snapshot"]["payload_digest"] == sha1_digest(NOT_FOUND)
    assert news["rescue"]["kind"] == "local"
    assert news["rescue"]["url"] == url
    assert (never["status"], never["reason"]) == ("unchecked", "never-checked")
    assert never["snapshot"] is None

    host.stop()
    stopped = run("verify", "--offline", cwd=folder, code=1).stdout

    rows = {row["reference"]: row for row in table(stopped, "Sources (2)")}
    assert f"checked {today()}" in rows["news2024"]["why"]
    assert squeezed(f"archived copy {today()}: local snapshot of {url}") in squeezed(
        rows["news2024"]["why"]
    )
    assert rows["never2024"]["status"] == "unchecked"
    (finding,) = finding_lines(stopped, "CC501")
    assert "news2024" in finding


def test_offline_verify_without_any_archive_or_cache_reports_every_source_unchecked(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    host.route("/news", html_page("Visa-free travel"))
    folder = project(tmp_path, entry("news2024", host.url("/news")))

    offline = run("verify", "--offline", "--fail-on", "warning", "--format", "json", cwd=folder)

    (source,) = json.loads(offline.stdout)["sources"]
    assert (source["status"], source["reason"]) == ("unchecked", "never-checked")
    assert source["snapshot"] is None
    assert host.requests == []


# 11. reading commands with nothing to read ------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ("list",),
        ("show", "news2024"),
        ("verify",),
        ("export", "news2024", "--to", "out"),
    ],
    ids=["list", "show", "verify", "export"],
)
def test_reading_commands_without_an_archive_exit_2_with_a_hint(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    folder = project(tmp_path, entry("news2024", "https://example.invalid/news"))

    result = run("archive", *command, cwd=folder, code=2)

    assert NO_ARCHIVE in result.stderr
    assert "hint: run 'claimcheck archive save' (or 'claimcheck verify') first" in result.stderr
    assert not (folder / ".claimcheck").exists()
    assert not (folder / "out").exists()
