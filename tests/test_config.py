"""Settings: defaults, claimcheck.toml, [tool.claimcheck] in pyproject.toml, flags on top."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimcheck.config import load_settings
from claimcheck.errors import ConfigError
from claimcheck.severity import FailOn, Severity


def test_defaults_name_the_files_in_the_current_folder(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    assert settings.bib == Path("references.bib")
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
    assert settings.bib == tmp_path / "paper" / "refs.bib"
    assert settings.fail_on is FailOn.WARNING


def test_claimcheck_toml_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.claimcheck]\nclaims = "a.yaml"\nencoding = "gbk"\n', encoding="utf-8"
    )
    (tmp_path / "claimcheck.toml").write_text('claims = "b.yaml"\n', encoding="utf-8")
    settings = load_settings(tmp_path)
    assert settings.claims == tmp_path / "b.yaml"
    assert settings.encoding == "gbk"


def test_flags_win_over_files(tmp_path: Path) -> None:
    (tmp_path / "claimcheck.toml").write_text(
        'bib = "file.bib"\nfail_on = "never"\n', encoding="utf-8"
    )
    settings = load_settings(tmp_path, flags={"bib": Path("flag.bib"), "fail_on": None})
    assert settings.bib == Path("flag.bib")
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
    assert settings.bib == Path("references.bib")
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
