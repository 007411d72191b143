"""Per-URL rules in the settings: [[hosts]] tables, accept, include and .claimcheckignore."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimcheck.config import declared, every_setting, load_settings, resolve_settings
from claimcheck.errors import ConfigError
from claimcheck.models import Location

RULES = """\
accept = ["200-299", 429]
include = ["^https://"]

[[hosts]]
match = "*.jstor.org"
accept = [403]
headers = { Authorization = "Bearer ${JSTOR_TOKEN}" }
concurrency = 1
interval = 2.5

[[hosts]]
match = "archive.org"
interval = 1
"""
TOKEN = {"JSTOR_TOKEN": "tok-5f1c9e2a"}


def write(folder: Path, text: str, name: str = "claimcheck.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(folder: Path, environ: dict[str, str] | None = None) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_settings(folder, environ=environ if environ is not None else TOKEN)
    return caught.value


def test_host_rules_are_read_from_hosts_tables(tmp_path: Path) -> None:
    write(tmp_path, RULES)

    loaded = resolve_settings(tmp_path, environ=TOKEN)

    jstor, archive = loaded.settings.hosts
    assert (jstor.match, [str(codes) for codes in jstor.accept]) == ("*.jstor.org", ["403"])
    assert [(header.name, header.value) for header in jstor.headers] == [
        ("Authorization", "Bearer tok-5f1c9e2a")
    ]
    assert (jstor.concurrency, jstor.interval) == (1, 2.5)
    assert (archive.match, archive.concurrency, archive.interval) == ("archive.org", None, 1.0)
    assert [str(codes) for codes in loaded.settings.accept] == ["200-299", "429"]
    assert loaded.settings.include == ("^https://",)
    assert str(loaded.origins["hosts"]) == "claimcheck.toml:4"


def test_rules_reach_the_check_options(tmp_path: Path) -> None:
    write(tmp_path, RULES)

    options = load_settings(tmp_path, environ=TOKEN).check_options()

    assert options.hosts[0].headers[0].value == "Bearer tok-5f1c9e2a"
    assert [str(codes) for codes in options.accept] == ["200-299", "429"]


def test_settings_show_header_templates_never_their_values(tmp_path: Path) -> None:
    write(tmp_path, RULES)

    settings = load_settings(tmp_path, environ=TOKEN)

    assert settings.model_dump(mode="json")["hosts"][0]["headers"] == {
        "Authorization": "Bearer ${JSTOR_TOKEN}"
    }
    for shown in (repr(settings), str(settings), settings.model_dump_json()):
        assert "tok-5f1c9e2a" not in shown


def test_hosts_in_pyproject_are_tool_claimcheck_hosts_tables(tmp_path: Path) -> None:
    write(
        tmp_path,
        '[project]\nname = "paper"\n\n[[tool.claimcheck.hosts]]\nmatch = "x.org"\nacept = [1]\n',
        "pyproject.toml",
    )

    error = refused(tmp_path)

    assert error.location == Location(file=str(tmp_path / "pyproject.toml"), line=6)
    assert "rule 1, key 'acept': unknown key 'acept' (did you mean 'accept'?)" in error.message


def test_an_unknown_key_of_a_host_rule_names_file_line_and_key(tmp_path: Path) -> None:
    write(tmp_path, RULES + "concurency = 2\n")

    error = refused(tmp_path)

    assert error.location == Location(file=str(tmp_path / "claimcheck.toml"), line=14)
    assert error.message == (
        "setting hosts, rule 2, key 'concurency': unknown key 'concurency' "
        "(did you mean 'concurrency'?)"
    )


def test_a_missing_environment_variable_names_file_line_and_key(tmp_path: Path) -> None:
    write(tmp_path, RULES)

    error = refused(tmp_path, environ={})

    assert error.location == Location(file=str(tmp_path / "claimcheck.toml"), line=7)
    assert error.message == (
        "setting hosts, rule 1, key 'headers': header Authorization: the environment "
        "variable JSTOR_TOKEN is not set"
    )


def test_a_header_in_a_sub_table_is_found_at_its_table(tmp_path: Path) -> None:
    write(tmp_path, '[[hosts]]\nmatch = "x.org"\n\n[hosts.headers]\nHost = "y.org"\n')

    error = refused(tmp_path)

    assert error.location == Location(file=str(tmp_path / "claimcheck.toml"), line=4)
    assert "header Host: claimcheck sets it itself" in error.message


@pytest.mark.parametrize(
    ("rule", "line", "said"),
    [
        ('match = "a b"', 2, "is not a host glob"),
        ('match = "x.org"\naccept = ["4xx"]', 3, "'4xx' is not a status code"),
        ('match = "x.org"\nconcurrency = 0', 3, "greater than or equal to 1"),
        ('match = "x.org"\ninterval = -1.0', 3, "greater than or equal to 0"),
        ("accept = [403]", 1, "match"),
    ],
)
def test_a_bad_value_of_a_host_rule_names_its_line(
    tmp_path: Path, rule: str, line: int, said: str
) -> None:
    write(tmp_path, f"[[hosts]]\n{rule}\n")

    error = refused(tmp_path)

    assert error.location == Location(file=str(tmp_path / "claimcheck.toml"), line=line)
    assert said in error.message


def test_a_bad_global_accept_or_include_names_its_line(tmp_path: Path) -> None:
    write(tmp_path, 'retries = 1\naccept = ["2000"]\n')
    assert refused(tmp_path).location == Location(file=str(tmp_path / "claimcheck.toml"), line=2)

    write(tmp_path, 'include = ["(unclosed"]\n')
    assert "include pattern '(unclosed' is not a regex" in refused(tmp_path).message


def test_accept_and_include_come_from_the_environment_too(tmp_path: Path) -> None:
    environ = {"CLAIMCHECK_ACCEPT": "401,403", "CLAIMCHECK_INCLUDE": '["doi", "arxiv"]'}

    settings = load_settings(tmp_path, environ=environ)

    assert [str(codes) for codes in settings.accept] == ["401", "403"]
    assert settings.include == ("doi", "arxiv")


def test_host_rules_are_a_file_only_setting(tmp_path: Path) -> None:
    assert every_setting()["hosts"][1] is None
    assert "hosts" not in declared()
    assert declared()["accept"][1].name == "--accept"
    assert declared()["include"][1].name == "--include"
    assert "ignored_urls" not in every_setting()


def test_claimcheckignore_is_read_from_the_project_folder_from_a_subfolder(
    tmp_path: Path,
) -> None:
    write(tmp_path, 'fail_on = "warning"\n')
    write(tmp_path, "# refuse robots\n^https://www\\.jstor\\.org/\n", ".claimcheckignore")
    inner = tmp_path / "chapters"
    inner.mkdir()

    patterns = load_settings(inner).check_options().ignored

    assert [(pattern.regex, pattern.origin) for pattern in patterns] == [
        ("^https://www\\.jstor\\.org/", f"{tmp_path / '.claimcheckignore'}:2")
    ]


def test_claimcheckignore_without_settings_file_is_the_bibliography_s_folder_s(
    tmp_path: Path,
) -> None:
    write(tmp_path, "", "references.bib")
    write(tmp_path, "/drafts/\n", ".claimcheckignore")

    assert [pattern.regex for pattern in load_settings(tmp_path).ignored_urls] == ["/drafts/"]


def test_a_claimcheckignore_line_that_is_no_regex_names_file_and_line(tmp_path: Path) -> None:
    write(tmp_path, "# fine\n\n[bad\n", ".claimcheckignore")

    error = refused(tmp_path)

    assert error.location == Location(file=str(tmp_path / ".claimcheckignore"), line=3)
    assert "'[bad' is not a regex" in error.message


def test_claimcheckignore_is_not_a_setting_of_a_file(tmp_path: Path) -> None:
    write(tmp_path, 'ignored_urls = ["x"]\n')

    assert "unknown setting 'ignored_urls'" in refused(tmp_path).message


def test_without_link_checks_the_header_variables_are_not_read(tmp_path: Path) -> None:
    write(tmp_path, RULES)

    settings = load_settings(tmp_path, flags={"check_links": False}, environ={})

    assert settings.hosts[0].headers[0].value is None
    assert settings.hosts[0].headers[0].template == "Bearer ${JSTOR_TOKEN}"


def test_the_readme_s_example_of_rules_per_url_is_valid(repo: Path, tmp_path: Path) -> None:
    readme = (repo / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Rules per URL") :]
    start = section.index("```toml\n") + len("```toml\n")
    example = section[start : section.index("\n```", start)]
    write(tmp_path, example)

    settings = load_settings(tmp_path, environ=TOKEN)

    jstor, wayback = settings.hosts
    assert [str(codes) for codes in jstor.accept] == ["403", "500-503"]
    assert (jstor.concurrency, jstor.interval, wayback.interval) == (1, 2.0, 1.5)
    assert settings.include == ("^https://(doi\\.org|www\\.jstor\\.org)/",)
