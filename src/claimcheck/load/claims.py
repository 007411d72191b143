"""Load claims.yaml into claims, with every YAML and schema problem at file:line:column."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from claimcheck.errors import InputError, InputErrors
from claimcheck.load.text import MAX_INPUT_BYTES, decode, read_bytes
from claimcheck.models import Claim, ClaimsFile, Evidence, Location

MAX_NODES = 200_000
_Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Ledger:
    """A loaded claims ledger."""

    path: Path
    version: int
    claims: tuple[Claim, ...]


def load_ledger(path: Path, *, max_bytes: int = MAX_INPUT_BYTES) -> Ledger:
    """Read, parse and validate ``path``; raise :class:`InputErrors` listing every problem."""
    text = decode(read_bytes(path, max_bytes), path).text
    return parse_ledger(text, path)


def parse_ledger(text: str, path: Path) -> Ledger:
    """Parse and validate claims ledger text."""
    root = _compose(text, path)
    if root is None:
        raise InputError(
            "the file is empty",
            Location(file=str(path), line=1),
            hint="start it with 'version: 1' and a 'claims:' list",
        )
    positions: dict[_Path, Location] = {}
    data = _Converter(path, positions).convert(root, ())
    try:
        ledger = ClaimsFile.model_validate(data)
    except ValidationError as error:
        raise InputErrors(
            [_schema_error(detail, data, positions, path) for detail in error.errors()]
        ) from None
    claims = tuple(
        Claim(
            **entry.model_dump(exclude={"evidence"}),
            evidence=tuple(
                Evidence(**item.model_dump(), location=positions[("claims", c, "evidence", e)])
                for e, item in enumerate(entry.evidence)
            ),
            location=positions[("claims", c)],
        )
        for c, entry in enumerate(ledger.claims)
    )
    return Ledger(path=path, version=ledger.version, claims=claims)


def _compose(text: str, path: Path) -> Node | None:
    try:
        node: Node | None = YAML(typ="safe", pure=True).compose(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = (
            Location(file=str(path), line=mark.line + 1, column=mark.column + 1)
            if mark
            else Location(file=str(path))
        )
        problem = " ".join(str(error.problem or error.context or "invalid YAML").split())
        raise InputError(
            f"invalid YAML: {problem}",
            where,
            hint="check the indentation and quoting near this place",
        ) from None
    except YAMLError as error:
        raise InputError(f"invalid YAML: {error}", Location(file=str(path))) from None
    except RecursionError:
        raise InputError(
            "the YAML is nested too deeply to be a claims ledger", Location(file=str(path))
        ) from None
    return node


class _Converter:
    """Turns a YAML node graph into plain data, noting where each value stands.

    Aliases are expanded with a budget, so that an alias bomb ends in an error.
    """

    def __init__(self, path: Path, positions: dict[_Path, Location]):
        self.path = path
        self.positions = positions
        self.budget = MAX_NODES

    def where(self, node: Node) -> Location:
        mark = node.start_mark
        return Location(file=str(self.path), line=mark.line + 1, column=mark.column + 1)

    def convert(self, node: Node, at: _Path) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise InputError(
                f"the YAML expands to more than {MAX_NODES:,} values (an alias bomb?)",
                self.where(node),
                hint="a claims ledger does not need anchors and aliases nested this way",
            )
        self.positions.setdefault(at, self.where(node))
        if isinstance(node, MappingNode):
            return self._mapping(node, at)
        if isinstance(node, SequenceNode):
            return [self.convert(item, (*at, index)) for index, item in enumerate(node.value)]
        if isinstance(node, ScalarNode):
            return _scalar(node)
        raise InputError("unsupported YAML node", self.where(node))

    def _mapping(self, node: MappingNode, at: _Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node) if isinstance(key_node, ScalarNode) else None
            if not isinstance(key, str):
                raise InputError(
                    "mapping keys must be plain words", self.where(key_node), hint="e.g. 'id:'"
                )
            if key in result:
                raise InputError(
                    f"the key {key!r} appears twice in this mapping",
                    self.where(key_node),
                    hint="YAML keeps only one of them: merge the two",
                )
            self.positions[(*at, key, "<key>")] = self.where(key_node)
            result[key] = self.convert(value_node, (*at, key))
        return result


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


def _schema_error(
    detail: ErrorDetails, data: Any, positions: dict[_Path, Location], path: Path
) -> InputError:
    loc: _Path = tuple(detail["loc"])
    where = _nearest(loc, positions, detail["type"]) or Location(file=str(path), line=1)
    subject = ""
    if len(loc) >= 2 and loc[0] == "claims" and isinstance(loc[1], int):
        claims = data.get("claims") if isinstance(data, dict) else None
        claim = claims[loc[1]] if isinstance(claims, list) and loc[1] < len(claims) else None
        claim_id = claim.get("id") if isinstance(claim, dict) else None
        subject = f"claim {claim_id!r}" if isinstance(claim_id, str) else f"claim #{loc[1] + 1}"
    field = _dotted(loc[2:] if subject else loc)
    message = detail["msg"]
    if detail["type"] == "extra_forbidden":
        message = "unknown field"
    elif detail["type"] == "missing":
        message = "required field is missing"
    prefix = ", ".join(part for part in (subject, field) if part)
    return InputError(f"{prefix}: {message}" if prefix else message, where, hint=_hint(detail))


def _nearest(loc: _Path, positions: dict[_Path, Location], kind: str) -> Location | None:
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


def _hint(detail: ErrorDetails) -> str:
    hints = {
        "extra_forbidden": "claims take id, text, section, tags, evidence; evidence takes "
        "source, quote, locator, stance",
        "missing": "see the claims.yaml format in the README",
        "literal_error": "this version of claimcheck reads 'version: 1'",
        "enum": "stance is one of supports, contextualizes, refutes",
        "string_pattern_mismatch": "ids use letters, digits, '.', '_', ':' and '-'",
    }
    return hints.get(detail["type"], "see the claims.yaml format in the README")
