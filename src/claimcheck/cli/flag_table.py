"""Every setting's flag as plain data, written by cog from the settings' declarations."""

from __future__ import annotations

from typing import NamedTuple


class Declared(NamedTuple):
    """What the command line needs of a setting: its flag, the flag's type, help, commands."""

    flag: str
    negative: str | None
    metavar: str | None
    kind: str
    help: str
    commands: tuple[str, ...]


# fmt: off
# [[[cog
# import cog
# from claimcheck.cli.flags import flag_table_source
# cog.out(flag_table_source())
# ]]]
FLAGS: dict[str, Declared] = {
    'bib': Declared(
        flag='--bib',
        negative=None,
        metavar='FILE',
        kind='paths',
        help=(
            'The bibliography, or several read together in order (repeatable). [default: '
            'references.bib]'
        ),
        commands=(
            'archive export',
            'archive list',
            'archive save',
            'archive show',
            'config',
            'export',
            'lint',
            'verify',
        ),
    ),
    'claims': Declared(
        flag='--claims',
        negative=None,
        metavar='FILE',
        kind='path',
        help=(
            'The claims ledger; when it is not set and claims.yaml does not exist, the '
            'bibliography alone is checked. [default: claims.yaml]'
        ),
        commands=(
            'config',
            'export',
            'lint',
            'verify',
        ),
    ),
    'encoding': Declared(
        flag='--encoding',
        negative=None,
        metavar='NAME',
        kind='str',
        help=(
            "The bibliography's encoding, e.g. gbk (none: UTF-8, else detected)."
        ),
        commands=(
            'archive export',
            'archive list',
            'archive save',
            'archive show',
            'config',
            'export',
            'lint',
            'verify',
        ),
    ),
    'ignore': Declared(
        flag='--ignore',
        negative=None,
        metavar='CODE',
        kind='list',
        help=(
            'Finding codes or names to leave out of the report (repeatable).'
        ),
        commands=(
            'config',
            'lint',
            'verify',
        ),
    ),
    'fail_on': Declared(
        flag='--fail-on',
        negative=None,
        metavar='SEVERITY',
        kind='severity',
        help=(
            'The mildest finding severity that fails the run (exit 1): error, warning, info'
            ' or never. [default: error]'
        ),
        commands=(
            'config',
            'lint',
            'verify',
        ),
    ),
    'cache_dir': Declared(
        flag='--cache-dir',
        negative=None,
        metavar='DIR',
        kind='path',
        help=(
            'The folder of the cache and the archive. [default: .claimcheck]'
        ),
        commands=(
            'archive export',
            'archive list',
            'archive prune',
            'archive reindex',
            'archive save',
            'archive show',
            'archive verify',
            'config',
            'export',
            'lint',
            'verify',
        ),
    ),
    'max_age': Declared(
        flag='--max-age',
        negative=None,
        metavar='AGE',
        kind='duration',
        help=(
            'How long an alive result is reused, e.g. 30m, 24h, 7d. [default: 24h]'
        ),
        commands=(
            'config',
            'export',
            'verify',
        ),
    ),
    'no_cache': Declared(
        flag='--no-cache',
        negative=None,
        metavar=None,
        kind='bool',
        help=(
            'Neither read nor write the cache.'
        ),
        commands=(
            'config',
            'export',
            'verify',
        ),
    ),
    'archive': Declared(
        flag='--archive',
        negative='--no-archive',
        metavar=None,
        kind='bool',
        help=(
            'Keep a snapshot (WARC and text) of each page fetched. [default: true]'
        ),
        commands=(
            'config',
            'export',
            'verify',
        ),
    ),
    'offline': Declared(
        flag='--offline',
        negative=None,
        metavar=None,
        kind='bool',
        help=(
            'Make no request: statuses from the last checks, text from the newest '
            'snapshots.'
        ),
        commands=(
            'config',
            'export',
            'verify',
        ),
    ),
    'quotes': Declared(
        flag='--quotes',
        negative='--no-quotes',
        metavar=None,
        kind='bool',
        help=(
            "Look for each evidence item's quote in its source's text (the capture of this "
            'run, the newest snapshot, or a local copy). [default: true]'
        ),
        commands=(
            'config',
            'export',
            'verify',
        ),
    ),
    'concurrency': Declared(
        flag='--concurrency',
        negative=None,
        metavar='N',
        kind='int',
        help=(
            'Requests at once, in all (kept within ulimit -n). [default: 1024]'
        ),
        commands=(
            'archive save',
            'config',
            'export',
            'verify',
        ),
    ),
    'per_host': Declared(
        flag='--per-host',
        negative=None,
        metavar='N',
        kind='int',
        help=(
            'Requests at once to one host. [default: 4]'
        ),
        commands=(
            'archive save',
            'config',
            'export',
            'verify',
        ),
    ),
    'max_body': Declared(
        flag='--max-body',
        negative=None,
        metavar='BYTES',
        kind='int',
        help=(
            'Bytes of a body read at most (decoded). [default: 10485760]'
        ),
        commands=(
            'archive save',
            'config',
            'export',
            'verify',
        ),
    ),
    'connect_timeout': Declared(
        flag='--connect-timeout',
        negative=None,
        metavar='SECONDS',
        kind='float',
        help=(
            'Seconds to connect. [default: 10.0]'
        ),
        commands=(
            'archive save',
            'config',
            'export',
            'verify',
        ),
    ),
    'read_timeout': Declared(
        flag='--read-timeout',
        negative=None,
        metavar='SECONDS',
        kind='float',
        help=(
            'Seconds of silence allowed while reading an answer. [default: 20.0]'
        ),
        commands=(
            'archive save',
            'config',
            'export',
            'verify',
        ),
    ),
    'timeout': Declared(
        flag='--timeout',
        negative=None,
        metavar='SECONDS',
        kind='float',
        help=(
            'Seconds for one URL, retries included. [default: 45.0]'
        ),
        commands=(
            'archive save',
            'config',
            'export',
            'verify',
        ),
    ),
    'run_timeout': Declared(
        flag='--run-timeout',
        negative=None,
        metavar='SECONDS',
        kind='float',
        help=(
            'Seconds for all the link checks of a run; what is left then is reported as '
            "'timeout (run-deadline)'. [default: 1800.0]"
        ),
        commands=(
            'archive save',
            'config',
            'export',
            'verify',
        ),
    ),
    'retries': Declared(
        flag='--retries',
        negative=None,
        metavar='N',
        kind='int',
        help=(
            'Retries of server errors, resets and timeouts. [default: 2]'
        ),
        commands=(
            'archive save',
            'config',
            'export',
            'verify',
        ),
    ),
    'backoff': Declared(
        flag='--backoff',
        negative=None,
        metavar='SECONDS',
        kind='float',
        help=(
            'Seconds before the first retry (doubling after). [default: 0.5]'
        ),
        commands=(
            'archive save',
            'config',
            'export',
            'verify',
        ),
    ),
    'retry_after_cap': Declared(
        flag='--retry-after-cap',
        negative=None,
        metavar='SECONDS',
        kind='float',
        help=(
            'The longest Retry-After honoured, in seconds. [default: 60.0]'
        ),
        commands=(
            'archive save',
            'config',
            'export',
            'verify',
        ),
    ),
    'user_agent': Declared(
        flag='--user-agent',
        negative=None,
        metavar='TEXT',
        kind='str',
        help=(
            'The User-Agent header (none set: claimcheck/0.1.0 (citation link checker)).'
        ),
        commands=(
            'archive save',
            'config',
            'export',
            'verify',
        ),
    ),
    'allow_private': Declared(
        flag='--allow-private',
        negative='--no-allow-private',
        metavar=None,
        kind='bool',
        help=(
            'Also check loopback and private addresses. [default: false]'
        ),
        commands=(
            'archive save',
            'config',
            'export',
            'verify',
        ),
    ),
    'exclude': Declared(
        flag='--exclude',
        negative=None,
        metavar='REGEX',
        kind='list',
        help=(
            "Regexes of URLs not to fetch (repeatable), besides .claimcheckignore's."
        ),
        commands=(
            'archive save',
            'config',
            'export',
            'verify',
        ),
    ),
    'include': Declared(
        flag='--include',
        negative=None,
        metavar='REGEX',
        kind='list',
        help=(
            'Regexes of URLs to check: when given, only those (repeatable).'
        ),
        commands=(
            'archive save',
            'config',
            'export',
            'verify',
        ),
    ),
    'accept': Declared(
        flag='--accept',
        negative=None,
        metavar='CODES',
        kind='list',
        help=(
            'Status codes or ranges (403, 200-299) that count as alive besides 2xx, from '
            'any host (repeatable).'
        ),
        commands=(
            'archive save',
            'config',
            'export',
            'verify',
        ),
    ),
    'probe_hosts': Declared(
        flag='--probe-host',
        negative=None,
        metavar='HOST:PORT',
        kind='list',
        help=(
            'host:port that answer on any working network (none: trust the network). '
            '[default: example.com:443, www.iana.org:443, one.one.one.one:443]'
        ),
        commands=(
            'archive save',
            'config',
            'export',
            'verify',
        ),
    ),
    'dns_timeout': Declared(
        flag='--dns-timeout',
        negative=None,
        metavar='SECONDS',
        kind='float',
        help=(
            'Seconds for one name lookup. [default: 5.0]'
        ),
        commands=(
            'archive save',
            'config',
            'export',
            'verify',
        ),
    ),
    'dns_attempts': Declared(
        flag='--dns-attempts',
        negative=None,
        metavar='N',
        kind='int',
        help=(
            'Tries of a lookup that timed out or failed. [default: 3]'
        ),
        commands=(
            'archive save',
            'config',
            'export',
            'verify',
        ),
    ),
    'dns_in_flight': Declared(
        flag='--dns-in-flight',
        negative=None,
        metavar='N',
        kind='int',
        help=(
            'Name lookups at once, at most. [default: 16]'
        ),
        commands=(
            'archive save',
            'config',
            'export',
            'verify',
        ),
    ),
    'doi_resolver': Declared(
        flag='--doi-resolver',
        negative=None,
        metavar='URL',
        kind='str',
        help=(
            "The DOI resolver's base URL. [default: https://doi.org]"
        ),
        commands=(
            'archive save',
            'config',
            'export',
            'verify',
        ),
    ),
    'ca_bundle': Declared(
        flag='--ca-bundle',
        negative=None,
        metavar='FILE',
        kind='path',
        help=(
            "CA certificates (PEM) trusted besides the system's store, SSL_CERT_FILE and "
            'SSL_CERT_DIR.'
        ),
        commands=(
            'archive save',
            'config',
            'export',
            'verify',
        ),
    ),
    'proxy': Declared(
        flag='--proxy',
        negative=None,
        metavar='URL',
        kind='str',
        help=(
            'An http:// proxy for every request (user:password@ allowed), over HTTP_PROXY, '
            'HTTPS_PROXY and ALL_PROXY; NO_PROXY still applies.'
        ),
        commands=(
            'archive save',
            'config',
            'export',
            'verify',
        ),
    ),
    'wayback_url': Declared(
        flag='--wayback-url',
        negative=None,
        metavar='URL',
        kind='str',
        help=(
            "A Wayback-compatible archive's base URL. [default: https://web.archive.org]"
        ),
        commands=(
            'archive save',
            'config',
        ),
    ),
    'wayback_timeout': Declared(
        flag='--wayback-timeout',
        negative=None,
        metavar='SECONDS',
        kind='float',
        help=(
            'Seconds for one request to the Wayback archive. [default: 30.0]'
        ),
        commands=(
            'archive save',
            'config',
        ),
    ),
    'wayback_poll_timeout': Declared(
        flag='--wayback-poll-timeout',
        negative=None,
        metavar='SECONDS',
        kind='float',
        help=(
            'Seconds to wait for a Save Page Now capture to end. [default: 300.0]'
        ),
        commands=(
            'archive save',
            'config',
        ),
    ),
}
# [[[end]]]
# fmt: on
