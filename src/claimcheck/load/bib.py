"""Load a BibTeX/BibLaTeX file into references, keeping parse problems as findings."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bibtexparser import model as bib
from bibtexparser.entrypoint import parse_string

from claimcheck.load.text import MAX_INPUT_BYTES, DecodedText, decode, read_bytes
from claimcheck.models import Finding, Location, Reference
from claimcheck.rules import rule

MONTHS = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April",
    "may": "May", "jun": "June", "jul": "July", "aug": "August",
    "sep": "September", "oct": "October", "nov": "November", "dec": "December",
}  # fmt: skip
_ENTRY_KEY = re.compile(r"@\s*\w+\s*[{(]\s*([^,\s{}()]*)")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Bibliography:
    """A loaded bibliography: its references, the problems met reading it, and its text."""

    path: Path
    references: tuple[Reference, ...]
    findings: tuple[Finding, ...]
    source: DecodedText

    def by_key(self) -> dict[str, Reference]:
        """References by key (the first one, where a key is repeated)."""
        found: dict[str, Reference] = {}
        for reference in self.references:
            found.setdefault(reference.key, reference)
        return found


def load_bibliography(
    path: Path, *, encoding: str | None = None, max_bytes: int = MAX_INPUT_BYTES
) -> Bibliography:
    """Read and parse ``path``; unreadable files raise, unparseable entries become findings."""
    source = decode(read_bytes(path, max_bytes), path, encoding)
    return parse_bibliography(source, path)


def parse_bibliography(source: DecodedText, path: Path) -> Bibliography:
    """Parse decoded bibliography text."""
    with _quiet_parser():
        library = parse_string(source.text, parse_stack=[])
    macros = _macros(library.strings)
    references: list[Reference] = []
    findings: list[Finding] = []
    for block in library.blocks:
        where = Location(file=str(path), line=_line(block))
        if isinstance(block, bib.Entry):
            references.append(_reference(block, macros, path, findings))
        elif isinstance(block, bib.DuplicateFieldKeyBlock):
            entry = block.ignore_error_block
            if not isinstance(entry, bib.Entry):
                findings.append(_parse_failure(block, where))
                continue
            for name in sorted(block.duplicate_keys):
                findings.append(
                    rule("duplicate-field").finding(
                        f"entry {entry.key!r} has the field {name!r} more than once",
                        where,
                        subject=entry.key,
                    )
                )
            references.append(_reference(entry, macros, path, findings))
        elif isinstance(block, bib.DuplicateBlockKeyBlock):
            findings.append(_duplicate_key(block, where))
        elif isinstance(block, bib.ParsingFailedBlock):
            findings.append(_parse_failure(block, where))
    return Bibliography(
        path=path, references=tuple(references), findings=tuple(findings), source=source
    )


def _line(block: bib.Block) -> int:
    return (block.start_line or 0) + 1


@contextmanager
def _quiet_parser() -> Iterator[None]:
    """bibtexparser logs every parse failure; claimcheck reports them as findings instead."""
    logger = logging.getLogger("bibtexparser")
    previous = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = previous


def _duplicate_key(block: bib.DuplicateBlockKeyBlock, where: Location) -> Finding:
    if not block.key:
        return rule("missing-key").finding("an entry has an empty key", where)
    first = _line(block.previous_block)
    return rule("duplicate-key").finding(
        f"key {block.key!r} is already used by the entry at line {first}",
        where,
        subject=block.key,
    )


def _parse_failure(
    block: bib.ParsingFailedBlock | bib.DuplicateFieldKeyBlock, where: Location
) -> Finding:
    key = _ENTRY_KEY.match((block.raw or "").lstrip())
    name = f"entry {key.group(1)!r}" if key and key.group(1) else "an entry"
    reason = str(block.error).strip().splitlines()[-1].strip() if block.error else ""
    return rule("parse-error").finding(
        f"{name} cannot be parsed" + (f": {reason}" if reason else ""),
        where,
        subject=key.group(1) if key and key.group(1) else None,
    )


def _macros(strings: list[bib.String]) -> dict[str, str]:
    macros: dict[str, str] = {}
    for string in strings:
        macros[string.key.lower()] = expand(string.value, macros)[0]
    return macros


def _reference(
    entry: bib.Entry, macros: dict[str, str], path: Path, findings: list[Finding]
) -> Reference:
    fields: dict[str, str] = {}
    field_lines: dict[str, int] = {}
    for field in entry.fields:
        name = field.key.lower()
        if name in fields:
            continue
        value, undefined = expand(field.value, macros)
        line = field.start_line + 1 if field.start_line is not None else _line(entry)
        for macro in undefined:
            findings.append(
                rule("undefined-macro").finding(
                    f"field {name!r} of {entry.key!r} uses the undefined macro {macro!r}",
                    Location(file=str(path), line=line),
                    subject=entry.key,
                )
            )
        fields[name] = value if name in _VERBATIM else " ".join(value.split())
        field_lines[name] = line
    title = fields.get("title")
    return Reference(
        key=entry.key,
        entry_type=entry.entry_type.lower(),
        fields=fields,
        field_lines=field_lines,
        url=_verbatim(fields.get("url")),
        doi=_verbatim(fields.get("doi")),
        title=strip_braces(title) if title else None,
        authors=split_names(fields.get("author", "")),
        date=fields.get("date") or fields.get("year"),
        urldate=fields.get("urldate"),
        file=fields.get("file"),
        location=Location(file=str(path), line=_line(entry)),
    )


_VERBATIM = frozenset({"url", "doi", "file", "eprint"})


def _verbatim(value: str | None) -> str | None:
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None


def expand(raw: str, macros: dict[str, str]) -> tuple[str, list[str]]:
    """A raw field value with delimiters removed, ``#`` joined and macros expanded.

    Returns the value and the names of the macros that are not defined (kept as written).
    """
    parts: list[str] = []
    undefined: list[str] = []
    for token in _split_concatenation(raw):
        if (len(token) >= 2 and token[0] == "{" and token[-1] == "}") or (
            len(token) >= 2 and token[0] == '"' and token[-1] == '"'
        ):
            parts.append(token[1:-1])
        elif token.isdigit():
            parts.append(token)
        elif token.lower() in macros:
            parts.append(macros[token.lower()])
        elif token.lower() in MONTHS:
            parts.append(MONTHS[token.lower()])
        else:
            if token and not token.startswith(("{", '"')):
                undefined.append(token)
            parts.append(token)
    return "".join(parts), undefined


def _split_concatenation(raw: str) -> list[str]:
    """Split ``a # {b} # "c"`` at the ``#`` signs that stand outside braces and quotes."""
    tokens: list[str] = []
    depth = 0
    quoted = False
    start = 0
    for index, char in enumerate(raw):
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            tokens.append(raw[start:index].strip())
            start = index + 1
    tokens.append(raw[start:].strip())
    return tokens


def strip_braces(text: str) -> str:
    """Text with BibTeX's protective braces removed: ``{{BBC}}`` and ``{China}`` read plainly."""
    return " ".join(text.replace("{", "").replace("}", "").split())


def split_names(field: str) -> tuple[str, ...]:
    """An author or editor field split at the ``and`` that stand outside braces."""
    names: list[str] = []
    depth = 0
    start = 0
    index = 0
    while index < len(field):
        char = field[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            match = _AND.match(field, index)
            if match and index > start:
                names.append(field[start:index])
                start = index = match.end()
                continue
        index += 1
    names.append(field[start:])
    return tuple(name for name in (strip_braces(n) for n in names) if name)
