"""Settings: defaults, claimcheck.toml, [tool.claimcheck] in pyproject.toml, flags on top."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimcheck.config import load_settings, resolve_settings
from claimcheck.errors import ConfigError
from claimcheck.models import Location
from claimcheck.severity import FailOn, Severity
from tests.test_cli import claimcheck


def test_defaults_name_the_files_in_the_current_folder(tmp_path: Path) -> None:
    (tmp_path / "claims.yaml").write_text("version: 1\nclaims: []\n", encoding="utf-8")
    settings = load_settings(tmp_path)
    assert settings.bib == (Path("references.bib"),)
    assert settings.claims == Path("claims.yaml")
    assert settings.fail_on is FailOn.ERROR
    assert settings.ignore == ()


def test_pyproject_tool_section_is_read_with_paths_relative_to_it(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "paper"\n\n[tool.claimcheck]\nbib = "paper/refs.bib"\n'
        'fail-on = "warning"\n',
        encoding="utf-8",
    )
    settings = load_settings(tmp_path)
    assert settings.bib == (tmp_path / "paper" / "refs.bib",)
    assert settings.fail_on is FailOn.WARNING


def test_claimcheck_toml_beside_pyproject_is_the_one_settings_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.claimcheck]\nclaims = "a.yaml"\nencoding = "gbk"\nbad_key = 1\n',
        encoding="utf-8",
    )
    (tmp_path / "claimcheck.toml").write_text('claims = "b.yaml"\n', encoding="utf-8")
    loaded = resolve_settings(tmp_path)
    assert loaded.settings.claims == tmp_path / "b.yaml"
    assert loaded.settings.encoding is None
    assert loaded.file == tmp_path / "claimcheck.toml"
    assert loaded.passed_over == (tmp_path / "pyproject.toml",)


def test_settings_and_inputs_are_found_from_a_subfolder(tmp_path: Path) -> None:
    (tmp_path / "claimcheck.toml").write_text('fail_on = "warning"\n', encoding="utf-8")
    inner = tmp_path / "chapters" / "two"
    inner.mkdir(parents=True)
    loaded = resolve_settings(inner)
    assert loaded.file == tmp_path / "claimcheck.toml"
    assert loaded.settings.fail_on is FailOn.WARNING
    assert loaded.settings.bib == (Path("../../references.bib"),)
    assert (inner / loaded.settings.cache_dir).resolve() == (tmp_path / ".claimcheck").resolve()


def test_without_settings_file_the_folder_of_the_bibliography_is_the_project(
    tmp_path: Path,
) -> None:
    (tmp_path / "references.bib").write_text("", encoding="utf-8")
    inner = tmp_path / "figures"
    inner.mkdir()
    assert load_settings(inner).bib == (Path("../references.bib"),)


def test_pyproject_without_a_claimcheck_table_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / "claimcheck.toml").write_text('fail_on = "info"\n', encoding="utf-8")
    inner = tmp_path / "tool"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert resolve_settings(inner).file == tmp_path / "claimcheck.toml"


def test_bad_key_in_pyproject_names_pyproject_and_its_line(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nfail_on = 1\n\n'
        '[tool.claimcheck]\nper_host = 4\nfail_on = "often"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path)
    assert caught.value.location == Location(file=str(tmp_path / "pyproject.toml"), line=7)
    assert "fail_on" in caught.value.message


def test_misspelt_key_is_named_with_a_suggestion(tmp_path: Path) -> None:
    (tmp_path / "claimcheck.toml").write_text("per_hosts = 2\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path)
    assert caught.value.location == Location(file=str(tmp_path / "claimcheck.toml"), line=1)
    assert caught.value.hint == "did you mean 'per_host'?"


def test_environment_sets_a_setting_between_the_file_and_the_flags(tmp_path: Path) -> None:
    (tmp_path / "claimcheck.toml").write_text("per_host = 2\nretries = 5\n", encoding="utf-8")
    environ = {"CLAIMCHECK_PER_HOST": "3", "CLAIMCHECK_EXCLUDE": '["^a", "^b"]'}
    loaded = resolve_settings(tmp_path, flags={"retries": 1}, environ=environ)
    assert (loaded.settings.per_host, loaded.settings.retries) == (3, 1)
    assert loaded.settings.exclude == ("^a", "^b")
    assert str(loaded.origins["per_host"]) == "CLAIMCHECK_PER_HOST"
    assert str(loaded.origins["retries"]) == "--retries"
    assert str(loaded.origins["timeout"]) == "default"


def test_bad_environment_value_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="CLAIMCHECK_PER_HOST"):
        load_settings(tmp_path, environ={"CLAIMCHECK_PER_HOST": "many"})


def test_internal_switches_are_no_settings_of_a_file(tmp_path: Path) -> None:
    (tmp_path / "claimcheck.toml").write_text("check_links = false\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown setting 'check_links'"):
        load_settings(tmp_path)


def test_flags_win_over_files(tmp_path: Path) -> None:
    (tmp_path / "claimcheck.toml").write_text(
        'bib = "file.bib"\nfail_on = "never"\n', encoding="utf-8"
    )
    settings = load_settings(tmp_path, flags={"bib": Path("flag.bib"), "fail_on": None})
    assert settings.bib == (Path("flag.bib"),)
    assert settings.fail_on is FailOn.NEVER


def test_ignore_accepts_codes_and_names_and_stores_codes(tmp_path: Path) -> None:
    (tmp_path / "claimcheck.toml").write_text(
        'ignore = ["cc207", "evidence-without-quote", "CC207"]\n', encoding="utf-8"
    )
    assert load_settings(tmp_path).ignore == ("CC207", "CC105")


def test_config_flag_reads_that_file_only(tmp_path: Path) -> None:
    (tmp_path / "claimcheck.toml").write_text('bib = "ignored.bib"\n', encoding="utf-8")
    other = tmp_path / "ci" / "strict.toml"
    other.parent.mkdir()
    other.write_text('fail_on = "info"\n', encoding="utf-8")
    settings = load_settings(tmp_path, config_file=other)
    assert settings.bib == (Path("references.bib"),)
    assert settings.fail_on is FailOn.INFO


def test_unknown_setting_names_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "claimcheck.toml").write_text(
        'bib = "a.bib"\n\nfail_of = "warning"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path)
    assert caught.value.location is not None
    assert (caught.value.location.file, caught.value.location.line) == (
        str(tmp_path / "claimcheck.toml"),
        3,
    )
    assert "fail_of" in caught.value.message


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "claimcheck.toml").write_text('bib = "a.bib"\nfail_on = \n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path)
    assert caught.value.location is not None
    assert caught.value.location.line == 2


def test_invalid_toml_comes_with_a_hint(tmp_path: Path) -> None:
    (tmp_path / "claimcheck.toml").write_text("fail_on = warning\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path)
    assert caught.value.hint is not None


@pytest.mark.parametrize("mark", ["utf-8-sig", "utf-16"])
def test_settings_file_saved_with_a_byte_order_mark_is_read(tmp_path: Path, mark: str) -> None:
    """As Windows editors save it."""
    (tmp_path / "claimcheck.toml").write_text("per_host = 2\n", encoding=mark)
    assert load_settings(tmp_path).per_host == 2


def test_empty_environment_variable_is_unset(tmp_path: Path) -> None:
    environ = {"CLAIMCHECK_CACHE_DIR": "", "CLAIMCHECK_BIB": "", "CLAIMCHECK_PER_HOST": ""}
    loaded = resolve_settings(tmp_path, environ=environ)
    assert loaded.settings.cache_dir.name == ".claimcheck"
    assert loaded.settings.bib[0].name == "references.bib"
    assert str(loaded.origins["cache_dir"]) == "default"


@pytest.mark.parametrize("mark", ["utf-8-sig", "utf-16"])
def test_ignore_file_saved_with_a_byte_order_mark_keeps_its_first_pattern(
    tmp_path: Path, mark: str
) -> None:
    (tmp_path / "claimcheck.toml").write_text("", encoding="utf-8")
    (tmp_path / ".claimcheckignore").write_text("^https://old\\.example/\n", encoding=mark)
    ignored = resolve_settings(tmp_path).settings.ignored_urls
    assert [pattern.regex for pattern in ignored] == ["^https://old\\.example/"]


def test_verify_skips_a_url_a_byte_order_marked_ignore_file_names(tmp_path: Path) -> None:
    from tests.helpers import make_project

    bib = "@online{a,\n  title = {A},\n  url = {http://127.0.0.1:9/old},\n}\n"
    folder = make_project(tmp_path, bib=bib, claims="version: 1\nclaims: []\n")
    (folder / "claimcheck.toml").write_text("probe_hosts = []\n", encoding="utf-8")
    (folder / ".claimcheckignore").write_text("/old$\n", encoding="utf-8-sig")

    result = claimcheck("verify", "--allow-private", "--format", "json", cwd=folder)

    (source,) = json.loads(result.stdout)["sources"]
    assert (source["status"], source["reason"]) == ("skipped", "excluded")


def test_bad_policy_value_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "claimcheck.toml").write_text('fail_on = "sometimes"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="fail_on"):
        load_settings(tmp_path)


def test_missing_config_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path, config_file=tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("policy", "failing"),
    [
        (FailOn.ERROR, {Severity.ERROR}),
        (FailOn.WARNING, {Severity.ERROR, Severity.WARNING}),
        (FailOn.INFO, set(Severity)),
        (FailOn.NEVER, set()),
    ],
)
def test_policy_fails_on_its_severity_and_worse(policy: FailOn, failing: set[Severity]) -> None:
    assert {severity for severity in Severity if policy.fails(severity)} == failing


def test_config_command_shows_each_value_with_its_origin_and_hides_a_proxy_password(
    tmp_path: Path,
) -> None:
    (tmp_path / "claimcheck.toml").write_text(
        'per_host = 2\nproxy = "http://me:secret@127.0.0.1:3128"\n', encoding="utf-8"
    )
    inner = tmp_path / "chapters"
    inner.mkdir()

    shown = claimcheck(
        "config", "--timeout", "9", "--format", "json", cwd=inner, env={"CLAIMCHECK_RETRIES": "4"}
    )

    assert shown.returncode == 0, shown.stderr
    document = json.loads(shown.stdout)
    assert document["settings_file"] == str(tmp_path / "claimcheck.toml")
    settings = document["settings"]
    assert settings["per_host"] == {"value": "2", "from": "../claimcheck.toml:1"}
    assert settings["retries"] == {"value": "4", "from": "CLAIMCHECK_RETRIES"}
    assert settings["timeout"] == {"value": "9.0", "from": "--timeout"}
    assert settings["bib"] == {"value": "../references.bib", "from": "default"}
    assert "secret" not in shown.stdout
    assert settings["proxy"]["value"] == "http://me:***@127.0.0.1:3128"


def test_flags_are_made_from_the_declarations(tmp_path: Path) -> None:
    (tmp_path / "claimcheck.toml").write_text("per_host = 2\n", encoding="utf-8")

    shown = claimcheck("config", "--per-host", "3", "--no-archive", cwd=tmp_path)

    rows = {line.split()[0]: line.split()[1:] for line in shown.stdout.splitlines()[3:]}
    assert rows["per_host"] == ["3", "--per-host"]
    assert rows["archive"] == ["false", "--no-archive"]


def test_config_of_a_bibliography_alone_says_so(tmp_path: Path) -> None:
    (tmp_path / "references.bib").write_text("", encoding="utf-8")

    shown = claimcheck("config", cwd=tmp_path)

    (claims,) = [line for line in shown.stdout.splitlines() if line.startswith("claims ")]
    assert "bibliography only" in claims


@pytest.mark.parametrize("target", ["127.0.0.1:80000", "127.0.0.1:http", "127.0.0.1;8080"])
def test_misspelt_probe_host_is_a_config_error_not_an_offline_machine(
    tmp_path: Path, target: str
) -> None:
    """A probe host that can never answer would make every failure "unreachable"."""
    (tmp_path / "claimcheck.toml").write_text(f'probe_hosts = ["{target}"]\n', encoding="utf-8")

    result = claimcheck("config", cwd=tmp_path)

    assert result.returncode == 2
    assert "claimcheck.toml:1" in result.stderr
    assert "HOST:PORT" in result.stderr
