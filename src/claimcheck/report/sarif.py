"""The SARIF 2.1.0 report: each finding a result at its file, line and column, for code scanning.

One rule per finding code (claimcheck.rules, with its summary and help), each result at the
finding's place in the bibliography or the ledger, and a partial fingerprint made of what
the finding is (its code, its subject, its file, and which such finding it is), not of where
it stands: a line added above it does not make a result new.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from pydantic_core import to_json

from claimcheck.models import Finding, Report
from claimcheck.report import RenderOptions
from claimcheck.rules import BY_CODE, RULES, Rule
from claimcheck.severity import Severity
from claimcheck.visible import safe_json

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
# The name of the fingerprint; its version changes when what it hashes changes.
FINGERPRINT = "claimcheck/v1"
# Where relative paths start: the folder claimcheck ran in (GitHub takes the repository root).
SRCROOT = "%SRCROOT%"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


class SarifFormat:
    """``--format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers."""

    name = "sarif"

    def render(self, report: Report, options: RenderOptions) -> str:
        """The report's findings as a SARIF log with one run."""
        index = {rule.code: number for number, rule in enumerate(RULES)}
        seen: Counter[tuple[str, str, str]] = Counter()
        results = []
        for finding in report.findings:
            identity = (finding.code, finding.subject or finding.message, finding.file)
            results.append(
                _result(finding, index.get(finding.code), fingerprint(identity, seen[identity]))
            )
            seen[identity] += 1
        log = {
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": report.tool,
                            "version": report.tool_version,
                            "semanticVersion": report.tool_version,
                            "rules": [_rule(rule) for rule in RULES],
                        }
                    },
                    "originalUriBaseIds": {
                        SRCROOT: {"description": {"text": "The folder claimcheck ran in."}}
                    },
                    "invocations": [
                        {
                            "executionSuccessful": True,
                            "endTimeUtc": report.generated_at.isoformat().replace("+00:00", "Z"),
                        }
                    ],
                    "artifacts": [
                        {"location": _artifact(path)}
                        for path in (
                            *report.inputs.bib,
                            *([report.inputs.claims] if report.inputs.claims else []),
                        )
                    ],
                    "results": results,
                    "columnKind": "unicodeCodePoints",
                }
            ],
        }
        # As json.dumps(indent=2, ensure_ascii=False) writes it, five times as fast.
        return safe_json(to_json(log, indent=2).decode("utf-8")) + "\n"


def fingerprint(identity: tuple[str, str, str], occurrence: int) -> str:
    """A stable hash of what a finding is: code, subject (or message), file, and its
    occurrence among findings alike."""
    text = "\0".join((*identity, str(occurrence)))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": f"{rule.summary}."},
        "help": {"text": rule.hint},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"tags": [rule.code[:3] + "xx"]},
    }


def _artifact(path: str) -> dict[str, str]:
    """An artifactLocation: a relative path as a URI reference from the run's folder, an
    absolute one as a file: URI."""
    windows = PureWindowsPath(path)
    if windows.drive or path.startswith("/"):
        posix = windows.as_posix() if windows.drive else path
        return {"uri": "file://" + ("/" if windows.drive else "") + quote(posix, safe="/:")}
    return {"uri": quote(PurePosixPath(path.replace("\\", "/")).as_posix()), "uriBaseId": SRCROOT}


def _result(finding: Finding, rule_index: int | None, print_: str) -> dict[str, Any]:
    message = finding.message
    known = BY_CODE.get(finding.code)
    if finding.hint and (known is None or finding.hint != known.hint):
        message += f"\nhint: {finding.hint}"
    location: dict[str, Any] = {"artifactLocation": _artifact(finding.file)}
    if finding.line is not None:
        region: dict[str, int] = {"startLine": finding.line}
        if finding.column is not None:
            region["startColumn"] = finding.column
        location["region"] = region
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "level": _LEVEL[finding.severity],
        "message": {"text": message},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {FINGERPRINT: print_},
    }
    if rule_index is not None:
        result["ruleIndex"] = rule_index
    if finding.subject is not None:
        result["properties"] = {"subject": finding.subject}
    return result
