"""The commands' options: their types, help and defaults, and the exit codes."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from claimcheck.severity import FailOn

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class OutputFormat(StrEnum):
    """The formats --format takes."""

    TERMINAL = "terminal"
    JSON = "json"


BibOption = Annotated[
    Path | None,
    typer.Option(
        "--bib",
        metavar="FILE",
        help="The bibliography [default: references.bib].",
        show_default=False,
    ),
]
ClaimsOption = Annotated[
    Path | None,
    typer.Option(
        "--claims",
        metavar="FILE",
        help="The claims ledger [default: claims.yaml].",
        show_default=False,
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="Read settings from this TOML file instead of claimcheck.toml or pyproject.toml.",
        show_default=False,
    ),
]
EncodingOption = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        metavar="NAME",
        help="The bibliography's encoding, e.g. gbk [default: UTF-8, else detected].",
        show_default=False,
    ),
]
IgnoreOption = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore",
        metavar="CODE",
        help="Leave out findings with this code or name (repeatable).",
        show_default=False,
    ),
]
FailOnOption = Annotated[
    FailOn | None,
    typer.Option(
        "--fail-on",
        help="Exit 1 when a finding is at least this severe [default: error].",
        show_default=False,
    ),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="The report's format.")]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write the report to this file, not stdout.",
        show_default=False,
    ),
]


AllowPrivateOption = Annotated[
    bool | None,
    typer.Option(
        "--allow-private/--no-allow-private",
        help="Also check loopback and private addresses [default: skip them].",
        show_default=False,
    ),
]
MaxAgeOption = Annotated[
    str | None,
    typer.Option(
        "--max-age",
        metavar="AGE",
        help="Reuse alive results younger than this, e.g. 30m, 24h, 7d [default: 24h].",
        show_default=False,
    ),
]
NoCacheOption = Annotated[
    bool | None,
    typer.Option("--no-cache", help="Neither read nor write the cache.", show_default=False),
]
ConcurrencyOption = Annotated[
    int | None,
    typer.Option(
        "--concurrency",
        metavar="N",
        help="Requests at once in all [default: 1024; 4 per host reach it only past 256 hosts].",
        show_default=False,
    ),
]
PerHostOption = Annotated[
    int | None,
    typer.Option(
        "--per-host",
        metavar="N",
        help="Requests at once to one host [default: 4].",
        show_default=False,
    ),
]
TimeoutOption = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        metavar="SECONDS",
        help="Deadline for one URL, retries included [default: 45].",
        show_default=False,
    ),
]
RunTimeoutOption = Annotated[
    float | None,
    typer.Option(
        "--run-timeout",
        metavar="SECONDS",
        help="Deadline for all the link checks of a run; what is left then is reported as "
        "'timeout (run-deadline)' [default: 1800].",
        show_default=False,
    ),
]
RetriesOption = Annotated[
    int | None,
    typer.Option(
        "--retries",
        metavar="N",
        help="Retries of server errors, resets and timeouts [default: 2].",
        show_default=False,
    ),
]
ExcludeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude",
        metavar="REGEX",
        help="Do not fetch URLs matching this regex (repeatable).",
        show_default=False,
    ),
]
UserAgentOption = Annotated[
    str | None,
    typer.Option(
        "--user-agent",
        metavar="TEXT",
        help="The User-Agent header [default: claimcheck/VERSION ...].",
        show_default=False,
    ),
]
ProxyOption = Annotated[
    str | None,
    typer.Option(
        "--proxy",
        metavar="URL",
        help="Send every request through this http:// proxy (user:password@ allowed); "
        "NO_PROXY still applies [default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY].",
        show_default=False,
    ),
]
CaBundleOption = Annotated[
    Path | None,
    typer.Option(
        "--ca-bundle",
        metavar="FILE",
        help="Also trust the CA certificates in this PEM file (besides the system's store, "
        "SSL_CERT_FILE and SSL_CERT_DIR).",
        show_default=False,
    ),
]
DoiResolverOption = Annotated[
    str | None,
    typer.Option(
        "--doi-resolver",
        metavar="URL",
        help="The DOI resolver's base URL [default: https://doi.org].",
        show_default=False,
    ),
]


ArchiveOption = Annotated[
    bool | None,
    typer.Option(
        "--archive/--no-archive",
        help="Keep a snapshot of each page fetched [default: archive].",
        show_default=False,
    ),
]
OfflineOption = Annotated[
    bool | None,
    typer.Option(
        "--offline",
        help="Make no request: statuses from the last checks, text from the newest snapshots.",
        show_default=False,
    ),
]


def network_flags(
    *,
    allow_private: bool | None,
    max_age: str | None,
    no_cache: bool | None,
    concurrency: int | None,
    per_host: int | None,
    timeout: float | None,
    run_timeout: float | None,
    retries: int | None,
    exclude: list[str] | None,
    user_agent: str | None,
    doi_resolver: str | None,
    proxy: str | None,
    ca_bundle: Path | None,
) -> dict[str, object]:
    """The settings the network options give, keyed as in Settings."""
    return {
        "allow_private": allow_private,
        "max_age": max_age,
        "no_cache": no_cache,
        "concurrency": concurrency,
        "per_host": per_host,
        "timeout": timeout,
        "run_timeout": run_timeout,
        "retries": retries,
        "exclude": tuple(exclude) if exclude else None,
        "user_agent": user_agent,
        "doi_resolver": doi_resolver,
        "proxy": proxy,
        "ca_bundle": ca_bundle,
    }
