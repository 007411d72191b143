"""The JUnit XML report: a test case per claim, per source and per other finding, for CI.

Valid against both JUnit schemas CI tools use (Ant's, as windyroad describes it, and
Jenkins' xUnit junit-10): a ``testsuites`` root without attributes, each suite with its id,
package, timestamp (UTC, no zone), hostname, properties, system-out and system-err, and each
test case with one failure or skipped element at most. A case fails when a finding about it
has a severity that fails the policy (``--fail-on``), so CI counts what the exit code counts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from xml.etree import ElementTree as ET

from claimcheck.models import ClaimResult, ClaimStatus, Finding, Report, Source, SourceStatus
from claimcheck.report import RenderOptions
from claimcheck.visible import shown

# Statuses whose case says nothing was checked: skipped unless a finding fails it.
_CLAIMS_NOT_CHECKED = frozenset({ClaimStatus.UNVERIFIED})
_SOURCES_NOT_CHECKED = frozenset(
    {SourceStatus.SKIPPED, SourceStatus.UNREACHABLE, SourceStatus.UNCHECKED}
)
# What XML 1.0 cannot hold at all, even escaped, and what would hide or reorder text on a CI
# page or in a terminal (C1 controls, bidirectional controls, a carriage return): written
# visibly. Tabs and line breaks stay.
_HIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\u2028\u2029\ud800-\udfff\ufffe\uffff]"
)
# The hostname every suite names: the report's machine is nobody's business, and a fixed one
# keeps reports of two runs comparable.
HOSTNAME = "localhost"


@dataclass
class _Case:
    """One test case: what it is, and the findings that are about it."""

    classname: str
    name: str
    time: str = "0"
    skipped: str | None = None
    failure_type: str | None = None
    failure_message: str = ""
    body: tuple[str, ...] = ()


class JunitFormat:
    """``--format junit``: JUnit XML for GitLab, Jenkins, Azure and other CI test reports."""

    name = "junit"

    def render(self, report: Report, options: RenderOptions) -> str:
        """The report as JUnit XML: suites claims, sources, and inputs."""
        about = _findings_by_subject(report)
        claim_findings, source_findings, rest = about
        suites = [
            ("claims", [_claim_case(c, claim_findings[c.id], options) for c in report.claims]),
            (
                "sources",
                [
                    _source_case(s, [f for k in s.keys for f in source_findings[k]], options)
                    for s in report.sources
                ],
            ),
            ("inputs", [_finding_case(f, options) for f in rest]),
        ]
        root = ET.Element("testsuites")
        stamp = report.generated_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
        for index, (name, cases) in enumerate(suites):
            _suite(root, index, f"claimcheck.{name}", cases, stamp, report)
        ET.indent(root)
        xml = ET.tostring(root, encoding="unicode", xml_declaration=False)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml + "\n"


def _findings_by_subject(
    report: Report,
) -> tuple[dict[str, list[Finding]], dict[str, list[Finding]], list[Finding]]:
    """The findings about each claim (in the ledger), about each reference key that cites a
    source (in a bibliography), and the rest."""
    claim_ids = {claim.id for claim in report.claims}
    source_keys = {key for source in report.sources for key in source.keys}
    claims: dict[str, list[Finding]] = defaultdict(list)
    sources: dict[str, list[Finding]] = defaultdict(list)
    rest: list[Finding] = []
    for finding in report.findings:
        subject = finding.subject
        if subject in claim_ids and finding.file == report.inputs.claims:
            claims[subject].append(finding)
        elif subject in source_keys and finding.file in report.inputs.bib:
            sources[subject].append(finding)
        else:
            rest.append(finding)
    return claims, sources, rest


def _failing(findings: Sequence[Finding], options: RenderOptions) -> list[Finding]:
    return [finding for finding in findings if finding.severity in options.failing]


def _line(finding: Finding) -> str:
    where = finding.file + (f":{finding.line}" if finding.line is not None else "")
    return f"{where} {finding.code} {finding.message} [{finding.name}]"


def _fail(case: _Case, failing: Sequence[Finding]) -> _Case:
    """``case`` failed by the most severe of ``failing``: its code, and its message."""
    worst = min(failing, key=lambda finding: finding.severity.rank)
    case.failure_type = worst.code
    case.failure_message = worst.message
    return case


def _claim_case(claim: ClaimResult, findings: list[Finding], options: RenderOptions) -> _Case:
    where = f"{claim.file}:{claim.line}" if claim.line else claim.file
    body = [f"{where}: {claim.status.value}", claim.text]
    body += [f"why: {claim.why}"] if claim.why else []
    for item in claim.evidence:
        quote = f"; quote {item.quote_status.value}" if item.quote_status else ""
        source = item.source_status.value if item.source_status else "no url or doi"
        body.append(f"- {item.source} ({item.stance.value}): source {source}{quote}")
    body += [_line(finding) for finding in findings]
    case = _Case(classname="claims", name=claim.id, body=tuple(body))
    failing = _failing(findings, options)
    if failing:
        return _fail(case, failing)
    if claim.status in _CLAIMS_NOT_CHECKED:
        case.skipped = f"{claim.status.value}: {claim.why or 'not checked'}"
    return case


def _source_case(source: Source, findings: list[Finding], options: RenderOptions) -> _Case:
    reason = f"{source.status.value} ({source.reason.value})"
    body = [source.url, reason]
    body += [f"http status {source.http_status}"] if source.http_status is not None else []
    body += [source.detail] if source.detail else []
    if source.rescue is not None:
        body.append(f"archived copy: {source.rescue.url} ({source.rescue.captured_at.date()})")
    body += [_line(finding) for finding in findings]
    seconds = f"{source.elapsed_ms / 1000:.3f}" if source.elapsed_ms is not None else "0"
    case = _Case(
        classname="sources", name=f"{source.key} {source.url}", time=seconds, body=tuple(body)
    )
    failing = _failing(findings, options)
    if failing:
        return _fail(case, failing)
    if source.status in _SOURCES_NOT_CHECKED:
        case.skipped = reason + (f": {source.detail}" if source.detail else "")
    return case


def _finding_case(finding: Finding, options: RenderOptions) -> _Case:
    subject = f" {finding.subject}" if finding.subject else ""
    where = finding.file + (f":{finding.line}" if finding.line is not None else "")
    body = (_line(finding), *([f"hint: {finding.hint}"] if finding.hint else []))
    case = _Case(classname=finding.file, name=f"{finding.code}{subject} ({where})", body=body)
    if finding.severity in options.failing:
        return _fail(case, [finding])
    return case


def _suite(
    root: ET.Element,
    index: int,
    name: str,
    cases: Sequence[_Case],
    stamp: str,
    report: Report,
) -> None:
    failures = sum(1 for case in cases if case.failure_type is not None)
    skipped = sum(1 for case in cases if case.skipped is not None)
    seconds = sum(float(case.time) for case in cases)
    suite = ET.SubElement(
        root,
        "testsuite",
        {
            "name": name,
            "tests": str(len(cases)),
            "failures": str(failures),
            "errors": "0",
            "skipped": str(skipped),
            "time": f"{seconds:.3f}",
            "timestamp": stamp,
            "hostname": HOSTNAME,
            "id": str(index),
            "package": name,
        },
    )
    properties = ET.SubElement(suite, "properties")
    for key, value in (
        ("tool", f"{report.tool} {report.tool_version}"),
        ("bib", ", ".join(report.inputs.bib)),
        ("claims", report.inputs.claims or ""),
    ):
        ET.SubElement(properties, "property", {"name": key, "value": _xml(value)})
    for case in cases:
        element = ET.SubElement(
            suite,
            "testcase",
            {"name": _xml(case.name), "classname": _xml(case.classname), "time": case.time},
        )
        text = "\n".join(_xml(line) for line in case.body)
        if case.failure_type is not None:
            failure = ET.SubElement(
                element,
                "failure",
                {"type": case.failure_type, "message": _xml(case.failure_message)},
            )
            failure.text = text
        elif case.skipped is not None:
            ET.SubElement(element, "skipped", {"message": _xml(case.skipped)}).text = text
    ET.SubElement(suite, "system-out").text = ""
    ET.SubElement(suite, "system-err").text = ""


def _xml(text: str) -> str:
    """``text`` as XML 1.0 can hold it and a CI page can show it (see ``_HIDDEN``)."""
    return _HIDDEN.sub(lambda match: shown(match.group()), text)
