"""The committed JSON Schemas match the models, and real files validate against them."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from claimcheck.schemas import SCHEMAS

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schemas"


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schema_matches_the_models(name: str) -> None:
    committed = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    assert committed == SCHEMAS[name](), (
        f"schemas/{name}.schema.json drifted from the models: "
        f"run `claimcheck schema {name} > schemas/{name}.schema.json` and review the change"
    )


def test_bundled_ledger_validates_against_the_claims_schema(repo: Path) -> None:
    data = YAML(typ="safe", pure=True).load((repo / "claims.yaml").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(SCHEMAS["claims"]()).validate(data)


def test_claims_schema_rejects_an_unknown_evidence_field() -> None:
    data = {
        "version": 1,
        "claims": [{"id": "a", "text": "t", "evidence": [{"source": "k", "qoute": "q"}]}],
    }
    with pytest.raises(jsonschema.ValidationError, match="qoute"):
        jsonschema.Draft202012Validator(SCHEMAS["claims"]()).validate(data)


def test_json_report_of_the_example_validates_against_the_report_schema() -> None:
    report = json.loads((Path(__file__).parent / "golden" / "seed-verify.json").read_text())
    jsonschema.Draft202012Validator(SCHEMAS["report"]()).validate(report)


def test_the_readme_s_settings_file_validates_against_the_config_schema(repo: Path) -> None:
    readme = (repo / "README.md").read_text(encoding="utf-8")
    start = readme.index("```toml\n# claimcheck.toml\n") + len("```toml\n")
    settings = tomllib.loads(readme[start : readme.index("```", start)])
    jsonschema.Draft202012Validator(SCHEMAS["config"]()).validate(settings)


def test_config_schema_rejects_a_misspelt_key_as_the_command_does() -> None:
    with pytest.raises(jsonschema.ValidationError, match="per_hosts"):
        jsonschema.Draft202012Validator(SCHEMAS["config"]()).validate({"per_hosts": 2})
