"""Which part of a host name its owner registered, after the Public Suffix List.

The list is the snapshot the `publicsuffixlist` package bundles (nothing is downloaded, ever),
read here into one set of its lines at the first question: about 2 ms, where the package's
own parser takes some 90 ms of a command's start-up. Hosts arrive in Punycode and
the list is in Unicode, so a host's Punycode labels are decoded for the look-up, not the
list's 459 Unicode rules encoded up front.
"""

from __future__ import annotations

import functools
from importlib.util import find_spec
from pathlib import Path


def registered_domain(name: str) -> str | None:
    """The registrable domain of the lower-case host ``name`` (``example.de`` of
    blog.example.de), or None when ``name`` is itself a public suffix (``github.io``)."""
    labels = name.split(".")
    readable = [_unicode(label) for label in labels]
    rules = _rules()
    for start in range(len(labels)):
        candidate = ".".join(readable[start:])
        if "!" + candidate in rules:
            return ".".join(labels[start:])
        parent = ".".join(readable[start + 1 :])
        if candidate in rules or (parent and "*." + parent in rules):
            return ".".join(labels[start - 1 :]) if start > 0 else None
    # No rule: the last label is the public suffix ("*").
    return ".".join(labels[-2:]) if len(labels) > 1 else None


@functools.cache
def _rules() -> frozenset[str]:
    """Every line of the list: its rules as written ("com", "*.ck", "!www.ck"), in lower case
    and without spaces, and its comments, which no host name can equal."""
    return frozenset(_bundled_list().read_text(encoding="utf-8").splitlines())


def _bundled_list() -> Path:
    """The list file inside the installed package, found without importing the package."""
    spec = find_spec("publicsuffixlist")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("the publicsuffixlist package is not installed")
    return Path(spec.origin).with_name("public_suffix_list.dat")


def _unicode(label: str) -> str:
    """A Punycode label ("xn--fiqs8s") as the list writes it ("中国"); any other as it is."""
    if not label.startswith("xn--"):
        return label
    try:
        return label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return label
