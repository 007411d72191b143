"""Shared fixtures: where the repository, the seed example and the shared corpus are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.proxy_server import proxy
from tests.servers import ca_bundle, hosts, tls_ca

__all__ = ["ca_bundle", "corpus", "hosts", "proxy", "repo", "tls_ca"]

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "bib"


@pytest.fixture(autouse=True)
def no_proxy_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts without the shell's *_PROXY variables: requests go direct."""
    for name in list(os.environ):
        if name.lower() in {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}:
            monkeypatch.delenv(name)


@pytest.fixture
def repo() -> Path:
    """The repository root, holding the bundled example."""
    return REPO


@pytest.fixture
def corpus() -> Path:
    """The shared corpus of real-world .bib files; the test is skipped where it is absent."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus/bib is not here")
    return CORPUS
