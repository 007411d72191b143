"""Which part of a host name its owner registered, after the Public Suffix List.

The list is the snapshot the `publicsuffixlist` package bundles (nothing is downloaded, ever),
read here into three sets at the first question: about 10 ms, where the package's own parser
takes some 90 ms of a command's start-up.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path


@dataclass(frozen=True)
class _Rules:
    exact: frozenset[str]
    wildcards: frozenset[str]  # "ck" for the rule "*.ck"
    exceptions: frozenset[str]  # "www.ck" for the rule "!www.ck"


def registered_domain(name: str) -> str | None:
    """The registrable domain of the lower-case host ``name`` (``example.de`` of
    blog.example.de), or None when ``name`` is itself a public suffix (``github.io``)."""
    labels = name.split(".")
    rules = _rules()
    for start in range(len(labels)):
        candidate = ".".join(labels[start:])
        if candidate in rules.exceptions:
            return candidate
        parent = ".".join(labels[start + 1 :])
        if candidate in rules.exact or (parent and parent in rules.wildcards):
            return ".".join(labels[start - 1 :]) if start > 0 else None
    # No rule: the last label is the public suffix ("*").
    return ".".join(labels[-2:]) if len(labels) > 1 else None


@functools.cache
def _rules() -> _Rules:
    text = _bundled_list().read_text(encoding="utf-8")
    exact: set[str] = set()
    wildcards: set[str] = set()
    exceptions: set[str] = set()
    for line in text.splitlines():
        rule = line.strip().lower()
        if not rule or rule.startswith("//"):
            continue
        for form in _forms(rule):
            if form.startswith("!"):
                exceptions.add(form[1:])
            elif form.startswith("*."):
                wildcards.add(form[2:])
            else:
                exact.add(form)
    return _Rules(frozenset(exact), frozenset(wildcards), frozenset(exceptions))


def _bundled_list() -> Path:
    """The list file inside the installed package, found without importing the package."""
    spec = find_spec("publicsuffixlist")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("the publicsuffixlist package is not installed")
    return Path(spec.origin).with_name("public_suffix_list.dat")


def _forms(rule: str) -> tuple[str, ...]:
    """A rule as written, and in Punycode when it holds other letters: hosts arrive encoded."""
    if rule.isascii():
        return (rule,)
    prefix = rule[: len(rule) - len(rule.lstrip("!*."))]
    labels = rule[len(prefix) :].split(".")
    # Punycode label by label, as IDNA writes a host: the list's rules are already normalised.
    encoded = ".".join(
        label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")
        for label in labels
    )
    return (rule, prefix + encoded)
