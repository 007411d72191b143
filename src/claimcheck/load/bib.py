"""Load a BibTeX/BibLaTeX file into references, keeping parse problems as findings."""

from __future__ import annotations

import dataclasses
import logging
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Protocol

from bibtexparser import model as bib
from bibtexparser.entrypoint import parse_string

from claimcheck.errors import InputError
from claimcheck.load.latex import plain_text
from claimcheck.load.text import MAX_INPUT_BYTES, DecodedText, decode, read_bytes
from claimcheck.models import Finding, Location, Reference
from claimcheck.rules import rule

MONTHS = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April",
    "may": "May", "jun": "June", "jul": "July", "aug": "August",
    "sep": "September", "oct": "October", "nov": "November", "dec": "December",
}  # fmt: skip
_ENTRY_KEY = re.compile(r"@\s*\w+\s*[{(]\s*([^,\s{}()]*)")
# A brace, or an 'and' between names; a run of whitespace is tried once, from its start
# (else a long run would be tried again from each of its characters).
_NAME_MARKS = re.compile(r"[{}]|(?<!\s)\s+and\s+", re.IGNORECASE)
_DELIMITERS = re.compile(r'[{}"#]')
_MACRO_NAME = re.compile(r"[^\s\"#%'(),={}]+")

# The shape a bibliography may have, checked before it is parsed: bibtexparser's time and
# memory grow with the blocks, fields and delimiters it meets. Real files hold 290 to 3,800
# bytes a block, up to 0.023 '=' and 0.16 delimiters a byte: at 16 MiB, under 58,000 blocks,
# 400,000 '=' and 2,700,000 delimiters. 50,000 entries take about 6 s of CPU and 330 MB.
MAX_BLOCKS = 50_000
MAX_FIELDS = 600_000
MAX_DELIMITERS = 4_000_000
_BLOCK_START = re.compile(r"@\w*[ \t]*[{(]")
_DELIMITER_CHARACTERS = '{}",=#\n'
# The characters @string macros may add to one value, and to all values of a file.
MAX_EXPANSION = 100_000
MAX_EXPANSION_TOTAL = 16 * 1024 * 1024
# Findings of one rule listed at most per file; the rest are counted in one more finding.
MAX_FINDINGS_PER_RULE = 1_000


@dataclass(frozen=True)
class Bibliography:
    """A loaded bibliography: its references, the problems met reading it, and its text."""

    path: Path
    references: tuple[Reference, ...]
    findings: tuple[Finding, ...]
    source: DecodedText
    # The @string macros by lower-cased name, those of earlier files included.
    macros: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def by_key(self) -> dict[str, Reference]:
        """References by key (the first one, where a key is repeated)."""
        found: dict[str, Reference] = {}
        for reference in self.references:
            found.setdefault(reference.key, reference)
        return found


class Cited(Protocol):
    """What the checks read of one bibliography or of several given together."""

    @property
    def references(self) -> tuple[Reference, ...]:
        """The references, each key once, in file order."""
        ...

    @property
    def findings(self) -> tuple[Finding, ...]:
        """The problems met reading the files."""
        ...

    def by_key(self) -> dict[str, Reference]:
        """References by key."""
        ...


@dataclass(frozen=True)
class Bibliographies:
    """Several bibliographies read together, in order, as BibTeX reads them.

    A key defined in an earlier file keeps that file's entry; the later one is a finding.
    """

    parts: tuple[Bibliography, ...]
    references: tuple[Reference, ...]
    findings: tuple[Finding, ...]

    def by_key(self) -> dict[str, Reference]:
        """References by key (each key is defined once across the files)."""
        return {reference.key: reference for reference in self.references}


def aliases(references: Iterable[Reference]) -> dict[str, str]:
    """The other keys entries answer to (biblatex's ``ids`` field), each to its entry's key;
    a key some entry has is no alias, and an alias two entries claim is the first one's."""
    references = list(references)
    keys = {reference.key for reference in references}
    found: dict[str, str] = {}
    for reference in references:
        for alias in reference.fields.get("ids", "").split(","):
            alias = alias.strip()
            if alias and alias not in keys:
                found.setdefault(alias, reference.key)
    return found


def load_bibliography(
    path: Path, *, encoding: str | None = None, max_bytes: int = MAX_INPUT_BYTES
) -> Bibliography:
    """Read and parse ``path``; unreadable files raise, unparseable entries become findings."""
    source = decode(read_bytes(path, max_bytes), path, encoding)
    return parse_bibliography(source, path)


def load_bibliographies(
    paths: Sequence[Path], *, encoding: str | None = None, max_bytes: int = MAX_INPUT_BYTES
) -> Bibliographies:
    """Read and parse ``paths`` in order, as ``bibtex`` reads the files of one
    ``\\bibliography{a,b}``: an @string macro of an earlier file is defined in the later ones.
    A key defined again in a later file is a finding (CC212) naming both places; a file
    named twice is read once."""
    parts: list[Bibliography] = []
    macros: dict[str, str] = {}
    read: set[Path] = set()
    for path in paths:
        if path.resolve() in read:
            continue
        read.add(path.resolve())
        source = decode(read_bytes(path, max_bytes), path, encoding)
        part = parse_bibliography(source, path, macros)
        macros.update(part.macros)
        parts.append(part)
    return merged(parts)


def merged(parts: Sequence[Bibliography]) -> Bibliographies:
    """The references of ``parts``, each key from the first file defining it, and the
    findings of each file with one more for each key a later file defines again."""
    first: dict[str, Reference] = {}
    findings: list[Finding] = []
    for part in parts:
        findings += part.findings
        for reference in part.references:
            earlier = first.setdefault(reference.key, reference)
            if earlier is not reference:
                findings.append(
                    rule("duplicate-key-across-files").finding(
                        f"key {reference.key!r} is already defined at {earlier.location}",
                        reference.location,
                        subject=reference.key,
                    )
                )
    return Bibliographies(
        parts=tuple(parts), references=tuple(first.values()), findings=tuple(findings)
    )


def parse_bibliography(
    source: DecodedText, path: Path, inherited: Mapping[str, str] | None = None
) -> Bibliography:
    """Parse decoded bibliography text; problems become findings. ``inherited`` are the
    @string macros (by lower-cased name) of the files read before this one.

    Raises InputError, before parsing, for text shaped like no bibliography: more blocks,
    fields or delimiters than any real file holds.
    """
    check_shape(source.text, path)
    findings = _Findings()
    _stray_bytes(source, path, findings)
    blocks = _split(source.text, path)
    if isinstance(blocks, Finding):
        findings.append(blocks)
        return Bibliography(
            path=path, references=(), findings=findings.all(), source=source, macros=inherited or {}
        )
    macros = _macros(blocks, path, findings, inherited or {})
    references: list[Reference] = []
    first_lines: dict[str, int] = {}
    for block in _drained(blocks):
        line = _line(block)
        where = Location(file=str(path), line=line)
        entry = _entry_of(block)
        if entry is None:
            if _is_failure(block) and findings.wants("parse-error", where):
                findings.append(_parse_failure(block, where))
            continue
        if not entry.entry_type:
            if findings.wants("parse-error", where):
                findings.append(_parse_failure(block, where, "the entry has no type after '@'"))
        elif not entry.key:
            if findings.wants("missing-key", where):
                findings.append(rule("missing-key").finding("an entry has an empty key", where))
        elif entry.key in first_lines:
            if findings.wants("duplicate-key", where):
                findings.append(
                    rule("duplicate-key").finding(
                        f"key {entry.key!r} is already used by the entry at line "
                        f"{first_lines[entry.key]}",
                        where,
                        subject=entry.key,
                    )
                )
        else:
            first_lines[entry.key] = line
            references.append(_reference(entry, macros, path, findings))
    return Bibliography(
        path=path,
        references=tuple(references),
        findings=findings.all(),
        source=source,
        macros=dict(macros),
    )


def check_shape(text: str, path: Path) -> None:
    """Raise InputError for text with more blocks, fields or delimiters than a bibliography."""
    where = Location(file=str(path))
    hint = "is this the right file? split a bibliography this large, or check how it was made"
    blocks = sum(1 for _ in islice(_BLOCK_START.finditer(text), MAX_BLOCKS + 1))
    if blocks > MAX_BLOCKS:
        raise InputError(f"the file holds more than {MAX_BLOCKS:,} '@' blocks", where, hint=hint)
    fields = text.count("=")
    if fields > MAX_FIELDS:
        raise InputError(
            f"the file holds {fields:,} '=' signs, more than the {MAX_FIELDS:,} of fields "
            "a bibliography may have",
            where,
            hint=hint,
        )
    delimiters = sum(text.count(character) for character in _DELIMITER_CHARACTERS)
    if delimiters > MAX_DELIMITERS:
        raise InputError(
            f"the file holds {delimiters:,} braces, quotes, commas, '=', '#' and line breaks, "
            f"more than the {MAX_DELIMITERS:,} a bibliography may have",
            where,
            hint=hint,
        )


class _Findings:
    """A file's findings, at most MAX_FINDINGS_PER_RULE of each rule: the rest are counted."""

    def __init__(self) -> None:
        self.kept: list[Finding] = []
        self.counts: Counter[str] = Counter()
        self.first_left_out: dict[str, Location] = {}

    def wants(self, name: str, where: Location) -> bool:
        """Count a finding of rule ``name`` at ``where``; whether it is to be listed."""
        self.counts[name] += 1
        if self.counts[name] <= MAX_FINDINGS_PER_RULE:
            return True
        self.first_left_out.setdefault(name, where)
        return False

    def append(self, finding: Finding) -> None:
        """Add a finding already counted with ``wants`` (or one that is never repeated)."""
        self.kept.append(finding)

    def all(self) -> tuple[Finding, ...]:
        """The findings listed, and one per rule that had more, saying how many more."""
        summaries = [
            rule(name).finding(
                f"{self.counts[name] - MAX_FINDINGS_PER_RULE:,} more findings of this kind are "
                f"left out: at most {MAX_FINDINGS_PER_RULE:,} of each are listed",
                where,
            )
            for name, where in self.first_left_out.items()
        ]
        return (*self.kept, *summaries)


def _stray_bytes(source: DecodedText, path: Path, findings: _Findings) -> None:
    """A finding for each line where a UTF-8 file holds a byte that is no UTF-8."""
    for line, byte in source.stray_bytes:
        where = Location(file=str(path), line=line)
        if findings.wants("invalid-byte", where):
            findings.append(
                rule("invalid-byte").finding(
                    f"the byte 0x{byte:02x} is not UTF-8, unlike the rest of the file: "
                    "it is read as U+FFFD",
                    where,
                )
            )
    unlisted = source.stray_count - len(source.stray_bytes)
    if unlisted > 0:
        findings.append(
            rule("invalid-byte").finding(
                f"{unlisted:,} more places hold bytes that are not UTF-8",
                Location(file=str(path), line=source.stray_bytes[-1][0]),
            )
        )


def _split(text: str, path: Path) -> list[bib.Block] | Finding:
    """bibtexparser's blocks for ``text``, or a parse-error finding should bibtexparser fail.

    Only the list of blocks is kept, not bibtexparser's library: its indexes by key would
    hold every block until the references are made.
    """
    if "@" not in text:
        return []  # no block can start: all of it is comment
    try:
        with _quiet_parser():
            return parse_string(text, parse_stack=[]).blocks
    except Exception as error:  # bibtexparser's own bugs end up here
        return rule("parse-error").finding(
            f"the file cannot be parsed: bibtexparser failed with {type(error).__name__}",
            Location(file=str(path), line=1),
            hint="please report this file to claimcheck; meanwhile look for odd '@' or braces",
        )


def _drained(blocks: list[bib.Block]) -> Iterator[bib.Block]:
    """The blocks in order, each one let go of by ``blocks`` (emptied) as it is handed out.

    bibtexparser's blocks take about as much memory as the references made of them: freed
    one by one, the references take their place instead of adding to them.
    """
    blocks.reverse()
    while blocks:
        yield blocks.pop()


def _entry_of(block: bib.Block) -> bib.Entry | None:
    """The entry a block stands for, also where bibtexparser wrapped it as a duplicate."""
    inner = block.ignore_error_block if isinstance(block, bib.ParsingFailedBlock) else block
    return inner if isinstance(inner, bib.Entry) else None


def _is_failure(block: bib.Block) -> bool:
    """A block that could not be parsed (a repeated @string is no failure: the last one wins)."""
    return isinstance(block, bib.ParsingFailedBlock) and not isinstance(
        block.ignore_error_block, bib.String
    )


def _line(block: bib.Block) -> int:
    return (block.start_line or 0) + 1


@contextmanager
def _quiet_parser() -> Iterator[None]:
    """bibtexparser logs every parse failure; claimcheck reports them as findings instead.

    Its loggers (``bibtexparser.splitter`` and others) inherit their level from
    ``bibtexparser``, so raising that level silences them all.
    """
    logger = logging.getLogger("bibtexparser")
    previous = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(previous)


def _parse_failure(block: bib.Block, where: Location, reason: str | None = None) -> Finding:
    key = _ENTRY_KEY.match((block.raw or "").lstrip())
    name = f"entry {key.group(1)!r}" if key and key.group(1) else "an entry"
    if reason is None and isinstance(block, bib.ParsingFailedBlock):
        reason = _reason(block.error)
    return rule("parse-error").finding(
        f"{name} cannot be parsed" + (f": {reason}" if reason else ""),
        where,
        subject=key.group(1) if key and key.group(1) else None,
    )


def _reason(error: Exception) -> str:
    """The last line of why bibtexparser gave up (its abort reason, else the message)."""
    text = getattr(error, "abort_reason", None) or str(error)
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return lines[-1] if lines else ""


class _Macros(dict[str, str]):
    """@string macros by lower-cased name, and the characters their expansion may still add."""

    budget = MAX_EXPANSION_TOTAL


def _macros(
    blocks: list[bib.Block], path: Path, findings: _Findings, inherited: Mapping[str, str]
) -> _Macros:
    """Every @string macro, lower-cased, in file order, after the ``inherited`` ones of
    earlier files: a redefinition replaces the first."""
    macros = _Macros(inherited)
    for block in blocks:
        string = block.ignore_error_block if isinstance(block, bib.ParsingFailedBlock) else block
        if not isinstance(string, bib.String) or not string.key:
            continue
        macros[string.key.lower()] = _expand(
            string.value,
            macros,
            f"@string {string.key!r}",
            (path, _line(block), string.key),
            findings,
        )
    return macros


def _expand(
    raw: str,
    macros: _Macros,
    what: str,
    place: tuple[Path, int, str],
    findings: _Findings,
) -> str:
    """``expand`` a value, noting each token that is no defined macro as a finding.

    ``place`` is the file, line and subject (the entry's or the macro's key) of the value.
    A value that macros would make longer than MAX_EXPANSION characters, or than what the
    file's budget has left, is kept as written, with a finding.
    """
    parts, undefined = _pieces(raw, macros)
    path, line, subject = place
    if undefined:
        where = Location(file=str(path), line=line)
        for token in dict.fromkeys(undefined):
            if findings.wants("undefined-macro", where):
                findings.append(
                    rule("undefined-macro").finding(
                        f"{what} {_misuse(token)}", where, subject=subject
                    )
                )
    size = sum(len(part) for part in parts)
    added = size - len(raw)
    if added <= 0:
        return "".join(parts)
    if size <= MAX_EXPANSION and added <= macros.budget:
        macros.budget -= added
        return "".join(parts)
    where = Location(file=str(path), line=line)
    if findings.wants("macro-too-large", where):
        findings.append(
            rule("macro-too-large").finding(
                f"{what} would be {size:,} characters long once its macros are expanded, "
                f"more than the {min(MAX_EXPANSION, macros.budget + len(raw)):,} allowed: "
                "it is kept as written",
                where,
                subject=subject,
            )
        )
    return raw.strip()


def _misuse(token: str) -> str:
    """What is wrong with a bare token that is no defined macro."""
    if _MACRO_NAME.fullmatch(token):
        return f"uses the undefined macro {token!r}"
    return f"holds {token!r}, neither a macro, a number nor a braced value (a '#' missing?)"


def _reference(entry: bib.Entry, macros: _Macros, path: Path, findings: _Findings) -> Reference:
    fields: dict[str, str] = {}
    field_lines: dict[str, int] = {}
    repeats: dict[str, list[int]] = {}
    for field in entry.fields:
        # Interned: one string per field name, not one per field of every entry.
        name = sys.intern(field.key.lower())
        line = field.start_line + 1 if field.start_line is not None else _line(entry)
        repeats.setdefault(name, []).append(line)
        if name in fields:
            continue
        value = _expand(
            field.value,
            macros,
            f"field {name!r} of {entry.key!r}",
            (path, line, entry.key),
            findings,
        )
        fields[name] = value if name in _VERBATIM else " ".join(value.split())
        field_lines[name] = line
    for finding in _duplicate_fields(entry.key, repeats, path):
        if findings.wants("duplicate-field", Location(file=finding.file, line=finding.line)):
            findings.append(finding)
    title = fields.get("title")
    url = _verbatim(fields.get("url"))
    if url is None:
        url = _url_in_text(fields)
    return Reference(
        key=entry.key,
        entry_type=entry.entry_type.lower(),
        fields=fields,
        field_lines=field_lines,
        url=url,
        doi=_verbatim(fields.get("doi")),
        title=plain_text(title) if title else None,
        authors=split_names(fields.get("author", "")),
        date=fields.get("date") or fields.get("year"),
        urldate=fields.get("urldate"),
        file=fields.get("file"),
        location=Location(file=sys.intern(str(path)), line=_line(entry)),
    )


def _url_in_text(fields: dict[str, str]) -> str | None:
    """The address a BibTeX entry without a url field gives in its howpublished or note
    field, as ``\\url{...}`` or ``\\href{...}{...}`` (how @misc entries cite a web page
    in plain BibTeX)."""
    for name in _URL_BEARING:
        found = _LATEX_URL.search(fields.get(name, ""))
        if found is not None:
            return found.group(1)
    return None


_URL_BEARING = ("howpublished", "note")
_LATEX_URL = re.compile(r"\\(?:url|href)\s*\{\s*([^{}\s]+)\s*\}")


def _duplicate_fields(key: str, repeats: dict[str, list[int]], path: Path) -> Iterator[Finding]:
    """A finding per field name written more than once (names compared case-insensitively)."""
    for name, lines in repeats.items():
        if len(lines) > 1:
            yield rule("duplicate-field").finding(
                f"entry {key!r} has the field {name!r} {len(lines)} times "
                f"(lines {', '.join(map(str, lines))}); the first value is read",
                Location(file=str(path), line=lines[1]),
                subject=key,
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
    parts, undefined = _pieces(raw, macros)
    return "".join(parts), undefined


def _pieces(raw: str, macros: dict[str, str]) -> tuple[list[str], list[str]]:
    """The pieces ``expand`` joins, and the names of the macros that are not defined."""
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
    return parts, undefined


def _split_concatenation(raw: str) -> list[str]:
    """Split ``a # {b} # "c"`` at the ``#`` signs that stand outside braces and quotes."""
    if "#" not in raw:
        return [raw.strip()]
    if "{" not in raw and '"' not in raw:
        return [token.strip() for token in raw.split("#")]
    tokens: list[str] = []
    depth = 0
    quoted = False
    start = 0
    for match in _DELIMITERS.finditer(raw):
        char = match.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            tokens.append(raw[start : match.start()].strip())
            start = match.end()
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
    for match in _NAME_MARKS.finditer(field):
        mark = match.group()
        if mark == "{":
            depth += 1
        elif mark == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and match.start() > start:
            names.append(field[start : match.start()])
            start = match.end()
    names.append(field[start:])
    return tuple(name for name in (plain_text(n) for n in names) if name)
