"""The listing commands' JSON (rules, archive list, archive show) against committed schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from claimcheck.cli import app
from claimcheck.rules import RULES
from claimcheck.schemas import SCHEMAS
from tests.servers import HostFactory, html_document, page
from tests.test_cli_archive import entry, project, run, seed, sha1_digest, today
from tests.wayback_server import WaybackFactory, wayback_stand_in

__all__ = ["wayback_stand_in"]

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schemas"


def valid(name: str, text: str) -> dict[str, Any]:
    """``text`` read as JSON, after validating it against the committed schemas/NAME."""
    schema = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    document: dict[str, Any] = json.loads(text)
    jsonschema.Draft202012Validator(schema).validate(document)
    return document


def test_archive_list_and_show_as_json_hold_the_captures_and_mementos_of_a_real_archive(
    hosts: HostFactory, wayback_stand_in: WaybackFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    archive = wayback_stand_in()
    body = html_document("Visa-free travel", "<p>China trials six countries.</p>").encode()
    host.route("/news", page(body))
    host.route("/old", page(html_document("An older page").encode()))
    news, old = host.url("/news"), host.url("/old")
    archive.add_capture(news, "20240314080000")
    folder = project(tmp_path, entry("news2024", news) + "\n" + entry("old2020", old))
    seed(folder, archive.base_url)
    seed(folder)
    project(folder, entry("news2024", news))

    listed = valid("archive-list", run("archive", "list", "--format", "json", cwd=folder).stdout)
    shown = valid(
        "archive-show", run("archive", "show", "news2024", "-f", "json", cwd=folder).stdout
    )

    cited, uncited = listed["sources"]
    assert (cited["url"], cited["keys"], cited["cited"]) == (news, ["news2024"], True)
    assert (cited["snapshots"], cited["newest_status"], cited["mementos"]) == (2, 200, 1)
    assert cited["newest"].startswith(today())
    assert cited["newest_memento"]["url"] == f"{archive.base_url}/web/20240314080000/{news}"
    assert (uncited["url"], uncited["keys"], uncited["cited"]) == (old, [], False)
    assert shown["url"] == news
    assert [capture["stored"] for capture in shown["captures"]] == ["new", "same-as-before"]
    assert {capture["payload_digest"] for capture in shown["captures"]} == {sha1_digest(body)}
    assert all(capture["text_chars"] > 20 for capture in shown["captures"])
    for capture in shown["captures"]:
        warc = folder / ".claimcheck" / "archive" / capture["warc_file"]
        assert warc.stat().st_size >= capture["offset"] + capture["length"]
    (memento,) = shown["mementos"]
    assert (memento["captured_at"], memento["via"]) == ("2024-03-14T08:00:00Z", "availability")


def test_rules_as_json_list_every_rule_with_its_hint_in_code_order() -> None:
    result = CliRunner().invoke(app, ["rules", "--format", "json"])

    listed = valid("rules", result.output)
    assert result.exit_code == 0
    assert [rule["code"] for rule in listed["rules"]] == [rule.code for rule in RULES]
    assert listed["rules"][0]["hint"] == RULES[0].hint


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_the_schema_command_prints_each_committed_schema(name: str) -> None:
    result = CliRunner().invoke(app, ["schema", name])

    assert result.exit_code == 0, result.output
    committed = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    assert json.loads(result.output) == committed


@pytest.mark.parametrize(
    "command", [("rules",), ("config",), ("archive", "list"), ("archive", "show", "k")]
)
def test_listing_commands_take_only_terminal_or_json(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*command, "--format", "sarif"])

    assert result.exit_code == 2
    assert "'sarif' is not one of 'terminal', 'json'" in result.output
