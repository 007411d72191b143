"""Load claims.yaml into claims, with every YAML and schema problem at file:line:column."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from _ruamel_yaml import CParser  # type: ignore[import-not-found]  # libyaml, ruamel.yaml.clib
from pydantic import ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml.composer import Composer, MaxDepthExceededError
from ruamel.yaml.error import MarkedYAMLError, StreamMark, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.resolver import VersionedResolver

from claimcheck.errors import InputError, InputErrors
from claimcheck.load.text import decode, read_bytes
from claimcheck.models import Claim, ClaimsFile, Evidence, Location

# About 5,000 claims with their evidence: composing takes about 5 µs a value.
MAX_NODES = 50_000
MAX_DEPTH = 64
# A ledger of MAX_NODES values is under 4 MiB.
MAX_LEDGER_BYTES = 4 * 1024 * 1024
_Path = tuple[str | int, ...]
_Position = tuple[int, int]
# What an empty field is told, and what an empty or blank quote is told to do.
_EMPTY = "should not be empty"
_QUOTE_HINT = "write the words the source should contain, or leave the quote out"
# A run of flow-collection openers deeper than any ledger: refused before it is parsed, since
# libyaml's scanner (as ruamel's own) slows down quadratically on such runs.
_DEEP_FLOW = re.compile(r"(?:[\[{][ \t\r\n]*){" + str(MAX_DEPTH + 1) + "}")


@dataclass(frozen=True)
class Ledger:
    """A loaded claims ledger."""

    path: Path
    version: int
    claims: tuple[Claim, ...]


def with_aliases(ledger: Ledger, aliases: Mapping[str, str]) -> Ledger:
    """``ledger`` with each evidence item citing an alias (a key an entry's ``ids`` field
    lists, as Better BibTeX keeps a renamed entry's old keys) citing the entry's key, as
    ``\\cite{oldkey}`` does."""
    if not aliases or not any(
        item.source in aliases for claim in ledger.claims for item in claim.evidence
    ):
        return ledger
    claims = tuple(
        claim.model_copy(
            update={
                "evidence": tuple(
                    item.model_copy(update={"source": aliases[item.source]})
                    if item.source in aliases
                    else item
                    for item in claim.evidence
                )
            }
        )
        for claim in ledger.claims
    )
    return replace(ledger, claims=claims)


def load_ledger(path: Path, *, max_bytes: int = MAX_LEDGER_BYTES) -> Ledger:
    """Read, parse and validate ``path``; raise :class:`InputErrors` listing every problem."""
    decoded = decode(read_bytes(path, max_bytes), path)
    if decoded.stray_bytes:
        raise InputErrors(
            [
                InputError(
                    f"the byte 0x{byte:02x} is not UTF-8, unlike the rest of the file",
                    Location(file=str(path), line=line),
                    hint="retype the character, or save the file as UTF-8",
                )
                for line, byte in decoded.stray_bytes
            ]
        )
    return parse_ledger(decoded.text, path)


def parse_ledger(text: str, path: Path) -> Ledger:
    """Parse and validate claims ledger text; raise :class:`InputErrors` listing every problem."""
    root = _compose(text, path)
    if root is None:
        raise _errors(
            "the file is empty",
            Location(file=str(path), line=1),
            hint="start it with 'version: 1' and a 'claims:' list",
        )
    _Measure(path).size(root, depth=1)
    converter = _Converter()
    data = converter.convert(root, ())
    positions = converter.positions
    problems = [
        _problem(loc, message, hint, data, _at(path, position))
        for loc, position, message, hint in converter.problems
    ]
    problems += [
        _problem(loc, f"{_EMPTY}: it holds only whitespace", _QUOTE_HINT, data, _at(path, position))
        for loc in _blank_quotes(data)
        if (position := positions.get(loc))
    ]
    try:
        ledger = ClaimsFile.model_validate(data)
    except ValidationError as error:
        problems += [_schema_error(detail, data, positions, path) for detail in error.errors()]
    if problems:
        raise InputErrors(sorted(problems, key=_order))
    claims = tuple(
        Claim(
            **entry.model_dump(exclude={"evidence"}),
            evidence=tuple(
                Evidence(
                    **item.model_dump(), location=_at(path, positions[("claims", c, "evidence", e)])
                )
                for e, item in enumerate(entry.evidence)
            ),
            location=_at(path, positions[("claims", c)]),
        )
        for c, entry in enumerate(ledger.claims)
    )
    return Ledger(path=path, version=ledger.version, claims=claims)


def _blank_quotes(data: Any) -> list[_Path]:
    """Where evidence has a quote of whitespace only: refused as an empty one is, since it is
    no text for a source to contain."""
    claims = data.get("claims") if isinstance(data, dict) else None
    found: list[_Path] = []
    for c, claim in enumerate(claims if isinstance(claims, list) else ()):
        evidence = claim.get("evidence") if isinstance(claim, dict) else None
        for e, item in enumerate(evidence if isinstance(evidence, list) else ()):
            quote = item.get("quote") if isinstance(item, dict) else None
            if isinstance(quote, str) and quote and not quote.strip():
                found.append(("claims", c, "evidence", e, "quote"))
    return found


def _errors(message: str, where: Location, hint: str | None = None) -> InputErrors:
    return InputErrors([InputError(message, where, hint=hint)])


def _at(path: Path, position: _Position) -> Location:
    return Location(file=str(path), line=position[0], column=position[1])


def _order(error: InputError) -> tuple[int, int]:
    where = error.location
    return (where.line or 0, where.column or 0) if where else (0, 0)


def _compose(text: str, path: Path) -> Node | None:
    deep = _DEEP_FLOW.search(text)
    if deep:
        raise _too_deep(_at(path, _position(text, deep.start() + len(deep.group()) - 1)))
    try:
        node: Node | None = _Loader(text).composer.get_single_node()
    except _TooManyValues as error:
        raise _too_many(_at(path, (error.mark.line + 1, error.mark.column + 1))) from None
    except MaxDepthExceededError as error:
        mark = error.problem_mark
        raise _too_deep(_at(path, (mark.line + 1, mark.column + 1))) from None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = _at(path, (mark.line + 1, mark.column + 1)) if mark else Location(file=str(path))
        problem = " ".join(str(error.problem or error.context or "invalid YAML").split())
        raise _errors(
            f"invalid YAML: {problem}",
            where,
            hint="check the indentation and quoting near this place",
        ) from None
    except ReaderError as error:
        raise _errors(
            f"invalid YAML: the character {_character(error.character)} is not allowed",
            _at(path, _position(text, _character_index(text, error.position))),
            hint="remove it, or write it as an escape inside a double-quoted string",
        ) from None
    except YAMLError as error:
        raise _errors(f"invalid YAML: {error}", Location(file=str(path))) from None
    except RecursionError:
        raise _too_deep(Location(file=str(path))) from None
    return node


class _Loader:
    """What ruamel's composer asks of a loader: libyaml's scanner and parser (C, about eight
    times as fast as ruamel's own), and plain scalars read as ruamel's safe loader reads them:
    by YAML 1.2 ("yes" and "on" are strings), or 1.1 under a "%YAML 1.1" directive."""

    max_depth = MAX_DEPTH

    def __init__(self, text: str):
        self._parser = CParser(text)
        self._scanner = _Directive()
        self._resolver = VersionedResolver(version=None, loader=self)
        self.composer = _CountingComposer(self)
        self.composer.warn_double_anchors = False


class _Directive:
    """The document's %YAML version, where ruamel's resolver looks for it (its scanner)."""

    yaml_version: tuple[int, int] | None = None


class _TooManyValues(Exception):
    """The document holds more than MAX_NODES values; ``mark`` is where the one past it starts."""

    def __init__(self, mark: StreamMark):
        super().__init__("too many values")
        self.mark = mark


class _CountingComposer(Composer):
    """ruamel's composer, stopping as soon as the document holds more than MAX_NODES values,
    before it has built (or even read) the rest: the parser hands it one event at a time."""

    composed = 0

    def compose_document(self) -> Any:
        # A "%YAML 1.1" directive makes yes/no booleans again, as in ruamel's own parser.
        self.loader._scanner.yaml_version = self.parser.peek_event().version
        return super().compose_document()

    def compose_node(self, parent: Any, index: Any) -> Any:
        if not self.parser.check_event(AliasEvent):
            self.composed += 1
            if self.composed > MAX_NODES:
                raise _TooManyValues(self.parser.peek_event().start_mark)
        return super().compose_node(parent, index)


def _too_many(where: Location, aliased: bool = False) -> InputErrors:
    return _errors(
        f"the YAML holds more than {MAX_NODES:,} values"
        + (" once its aliases are expanded (an alias bomb?)" if aliased else ""),
        where,
        hint="a claims ledger does not need anchors and aliases nested this way"
        if aliased
        else "split the ledger, or check this is the right file",
    )


def _too_deep(where: Location) -> InputErrors:
    return _errors(
        f"the YAML is nested more than {MAX_DEPTH} levels deep: that is no claims ledger",
        where,
        hint="a ledger nests claims, evidence and tags, a few levels at most",
    )


def _position(text: str, index: int) -> _Position:
    """The 1-based line and column of ``text[index]``."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _character_index(text: str, offset: int) -> int:
    """The index in ``text`` of the character at byte ``offset`` of its UTF-8 form, which is
    what libyaml reads and counts."""
    return len(text.encode("utf-8")[:offset].decode("utf-8", "ignore"))


def _character(character: object) -> str:
    if isinstance(character, int):
        return f"U+{character:04X}"
    return repr(character)


class _Measure:
    """Checks the node graph before it is expanded: aliases may make it huge, deep or circular."""

    def __init__(self, path: Path):
        self.path = path
        self.known: dict[int, tuple[int, int]] = {}
        self.open: set[int] = set()
        self.aliased = False

    def where(self, node: Node) -> Location:
        mark = node.start_mark
        return _at(self.path, (mark.line + 1, mark.column + 1))

    def size(self, node: Node, depth: int) -> tuple[int, int]:
        """How many values ``node`` expands to and how deep, refusing cycles and bombs."""
        if id(node) in self.open:
            raise _errors(
                "an alias refers to a value that contains it",
                self.where(node),
                hint="a claims ledger does not need anchors and aliases",
            )
        known = self.known.get(id(node))
        if known is None:
            self.open.add(id(node))
            measured = [self.size(child, depth + 1) for child in _children(node)]
            self.open.discard(id(node))
            known = (
                1 + sum(size for size, _ in measured),
                1 + max((height for _, height in measured), default=0),
            )
            self.known[id(node)] = known
        else:
            self.aliased = True
        total, height = known
        if depth + height - 1 > MAX_DEPTH:
            raise _too_deep(self.where(node))
        if total > MAX_NODES:
            raise _too_many(self.where(node), self.aliased)
        return known


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


class _Converter:
    """Turns a measured YAML node graph into plain data, noting where each value stands.

    Mapping keys that repeat or are not words are noted as problems, and left out.
    """

    def __init__(self) -> None:
        self.positions: dict[_Path, _Position] = {}
        self.problems: list[tuple[_Path, _Position, str, str]] = []

    def convert(self, node: Node, at: _Path) -> Any:
        self.positions.setdefault(at, _mark(node))
        if isinstance(node, MappingNode):
            return self._mapping(node, at)
        if isinstance(node, SequenceNode):
            return [self.convert(item, (*at, index)) for index, item in enumerate(node.value)]
        return _scalar(node) if isinstance(node, ScalarNode) else None

    def _mapping(self, node: MappingNode, at: _Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node) if isinstance(key_node, ScalarNode) else None
            if not isinstance(key, str):
                self.problems.append(
                    (at, _mark(key_node), "a key here is not a plain word", "e.g. 'id:'")
                )
            elif key in result:
                first = self.positions[(*at, key, "<key>")][0]
                self.problems.append(
                    (
                        (*at, key),
                        _mark(key_node),
                        f"appears twice in this mapping (first at line {first})",
                        "YAML keeps only one of them: merge the two",
                    )
                )
            else:
                self.positions[(*at, key, "<key>")] = _mark(key_node)
                result[key] = self.convert(value_node, (*at, key))
        return result


def _mark(node: Node) -> _Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


_SCALARS: dict[str, Callable[[str], Any]] = {
    "tag:yaml.org,2002:int": lambda text: int(text.replace("_", ""), 0),
    "tag:yaml.org,2002:float": float,
    "tag:yaml.org,2002:bool": lambda text: text.lower() in {"true", "yes", "on"},
    "tag:yaml.org,2002:null": lambda _text: None,
}


def _scalar(node: ScalarNode) -> Any:
    convert = _SCALARS.get(str(node.tag))
    if convert is None:
        return node.value
    try:
        return convert(node.value)
    except ValueError:
        return node.value


def _problem(loc: _Path, message: str, hint: str, data: Any, where: Location) -> InputError:
    """An error whose message names the claim (by id) and the dotted field it is about."""
    subject = ""
    if len(loc) >= 2 and loc[0] == "claims" and isinstance(loc[1], int):
        claims = data.get("claims") if isinstance(data, dict) else None
        claim = claims[loc[1]] if isinstance(claims, list) and loc[1] < len(claims) else None
        claim_id = claim.get("id") if isinstance(claim, dict) else None
        subject = f"claim {claim_id!r}" if isinstance(claim_id, str) else f"claim #{loc[1] + 1}"
    field = _dotted(loc[2:] if subject else loc)
    prefix = ", ".join(part for part in (subject, field) if part)
    return InputError(f"{prefix}: {message}" if prefix else message, where, hint=hint)


def _schema_error(
    detail: ErrorDetails, data: Any, positions: dict[_Path, _Position], path: Path
) -> InputError:
    loc: _Path = tuple(detail["loc"])
    position = _nearest(loc, positions, detail["type"])
    where = _at(path, position) if position else Location(file=str(path), line=1)
    return _problem(loc, _message(detail), _hint(detail, loc), data, where)


def _message(detail: ErrorDetails) -> str:
    kind = detail["type"]
    found = _kind(detail.get("input"))
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "required field is missing"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return f"should be a mapping of fields, not {found}"
    if kind in {"tuple_type", "list_type"}:
        return f"should be a list, not {found}"
    if kind == "string_type":
        return f"should be a string, not {found}"
    if kind == "string_too_short" and detail.get("ctx", {}).get("min_length") == 1:
        return _EMPTY
    return str(detail["msg"]).removeprefix("Value error, ")


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "a mapping" if isinstance(value, dict) else type(value).__name__


def _nearest(loc: _Path, positions: dict[_Path, _Position], kind: str) -> _Position | None:
    """The value's place; for an unknown field its key's; for a missing one its parent's."""
    if kind == "extra_forbidden" and (*loc, "<key>") in positions:
        return positions[(*loc, "<key>")]
    for end in range(len(loc), -1, -1):
        if loc[:end] in positions:
            return positions[loc[:end]]
    return None


def _dotted(loc: _Path) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _hint(detail: ErrorDetails, loc: _Path) -> str:
    if not loc:
        return "a ledger is a mapping: 'version: 1' and a 'claims:' list"
    if detail["type"] == "string_too_short" and loc[-1] == "quote":
        return _QUOTE_HINT
    hints = {
        "extra_forbidden": "claims take id, text, section, tags, evidence; evidence takes "
        "source, quote, locator, stance",
        "missing": "see the claims.yaml format in the README",
        "literal_error": "this version of claimcheck reads 'version: 1'",
        "enum": "stance is one of supports, contextualizes, refutes",
        "string_pattern_mismatch": "ids use letters, digits, '.', '_', ':' and '-'",
    }
    return hints.get(detail["type"], "see the claims.yaml format in the README")
