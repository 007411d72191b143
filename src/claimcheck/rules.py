"""The catalogue of finding codes: what each rule checks, how severe it is, how to fix it."""

from __future__ import annotations

from dataclasses import dataclass

from claimcheck.models import Finding, Location
from claimcheck.severity import Severity


@dataclass(frozen=True)
class Rule:
    """One numbered check, in the way linters number their rules."""

    code: str
    name: str
    severity: Severity
    summary: str
    hint: str

    def finding(
        self,
        message: str,
        where: Location,
        *,
        subject: str | None = None,
        hint: str | None = None,
    ) -> Finding:
        """A finding of this rule at ``where``."""
        return Finding(
            code=self.code,
            name=self.name,
            severity=self.severity,
            message=message,
            file=where.file,
            line=where.line,
            column=where.column,
            hint=hint or self.hint,
            subject=subject,
        )


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

RULES: tuple[Rule, ...] = (
    # CC1xx: the claims ledger against the bibliography
    Rule(
        "CC101",
        "undefined-key",
        _E,
        "evidence cites a key that is not in the bibliography",
        "add the entry to the .bib file, or fix the key's spelling",
    ),
    Rule(
        "CC102",
        "unused-reference",
        _W,
        "a reference that no claim uses as evidence",
        "cite it from a claim in claims.yaml, or drop it from the bibliography",
    ),
    Rule(
        "CC103",
        "claim-without-evidence",
        _E,
        "a claim with no evidence",
        "add at least one evidence item: a source key and, ideally, a quote",
    ),
    Rule(
        "CC104",
        "duplicate-claim-id",
        _E,
        "two claims share one id",
        "give each claim a unique id; reports and exports key on it",
    ),
    Rule(
        "CC105",
        "evidence-without-quote",
        _I,
        "evidence whose source has a URL but no quote",
        "add the text the source should contain, so that it can be checked",
    ),
    Rule(
        "CC106",
        "duplicate-evidence",
        _W,
        "a claim cites the same source twice",
        "merge the two evidence items, or give them different quotes",
    ),
    # CC2xx: the bibliography's structure
    Rule(
        "CC201",
        "duplicate-key",
        _E,
        "two entries share one key",
        "rename one of them: BibTeX and biber keep only one",
    ),
    Rule(
        "CC202",
        "duplicate-key-case",
        _E,
        "two keys differ only in letter case",
        "BibTeX treats such keys as one: rename one of them",
    ),
    Rule(
        "CC203",
        "duplicate-field",
        _E,
        "an entry has the same field twice",
        "keep one of the two values: tools disagree on which one wins",
    ),
    Rule(
        "CC204",
        "parse-error",
        _E,
        "an entry that cannot be parsed",
        "look for an unbalanced brace or quote, or a missing comma",
    ),
    Rule(
        "CC205",
        "duplicate-url",
        _W,
        "the same URL under two keys",
        "merge the entries, or cite one key from both claims",
    ),
    Rule(
        "CC206",
        "duplicate-doi",
        _W,
        "the same DOI under two keys",
        "merge the entries, or cite one key from both claims",
    ),
    Rule(
        "CC207",
        "nothing-to-check",
        _W,
        "a reference with neither url, doi nor file, nor a crossref or xdata entry with one",
        "add a url, doi or file field so that the evidence can be checked",
    ),
    Rule(
        "CC208",
        "missing-key",
        _E,
        "an entry with an empty key",
        "give the entry a key: it cannot be cited without one",
    ),
    Rule(
        "CC209",
        "undefined-macro",
        _W,
        "a field uses an @string macro that is not defined",
        "define the macro with @string, or brace the value",
    ),
    Rule(
        "CC210",
        "macro-too-large",
        _E,
        "a value that @string macros would make too large to hold",
        "macros nested this way are a macro bomb, no bibliography: remove them",
    ),
    Rule(
        "CC211",
        "invalid-byte",
        _E,
        "a byte that is not UTF-8 in a file that otherwise is",
        "retype the character, or convert the file to UTF-8 (iconv -f latin1 for a few lines)",
    ),
    Rule(
        "CC212",
        "duplicate-key-across-files",
        _E,
        "a key defined in two of the bibliographies given together",
        "rename one, or drop the copy: BibTeX keeps the first file's entry",
    ),
    # CC3xx: URLs
    Rule(
        "CC301",
        "url-whitespace",
        _E,
        "a URL with whitespace inside",
        "remove the whitespace, or encode a real space as %20",
    ),
    Rule(
        "CC302",
        "url-missing-scheme",
        _E,
        "a URL without http:// or https://",
        "write the full address, starting with https://",
    ),
    Rule(
        "CC303",
        "url-markdown-escape",
        _E,
        "a URL holding a markdown escape such as \\_",
        "biblatex reads url fields verbatim, so the backslash becomes part of the address",
    ),
    Rule(
        "CC304",
        "doi-in-url",
        _W,
        "a DOI pasted into the url field",
        "move it to the doi field: DOIs are checked through the DOI resolver",
    ),
    Rule(
        "CC305",
        "url-truncated",
        _W,
        "a URL that looks cut off",
        "copy the full address from the source page",
    ),
    Rule(
        "CC306",
        "url-malformed",
        _E,
        "a URL that cannot be parsed or has no host",
        "copy the full address from the source page",
    ),
    Rule(
        "CC307",
        "url-unsupported-scheme",
        _I,
        "a URL whose scheme claimcheck does not fetch",
        "only http and https sources can be checked and archived",
    ),
    Rule(
        "CC308",
        "url-scheme-typo",
        _E,
        "a URL whose http:// or https:// is misspelt: htp://, https//, http:/ and the like",
        "correct the scheme: readers' browsers and claimcheck cannot open the address as it is",
    ),
    # CC4xx: other fields
    Rule(
        "CC401",
        "doi-invalid",
        _E,
        "a DOI that does not match the DOI syntax",
        "a DOI looks like 10.1234/abc: copy it from the publisher's page",
    ),
    Rule(
        "CC402",
        "doi-not-normalised",
        _I,
        "a DOI written with a resolver prefix or doi: before it",
        "write the bare DOI, e.g. 10.1234/abc, in the doi field",
    ),
    Rule(
        "CC403",
        "urldate-invalid",
        _E,
        "a urldate that is not an ISO date",
        "write it as YYYY-MM-DD, as biblatex expects",
    ),
    Rule(
        "CC404",
        "urldate-future",
        _E,
        "a urldate that lies in the future",
        "the access date cannot be after today: check the year",
    ),
    Rule(
        "CC405",
        "title-truncated",
        _W,
        "a title that looks cut off",
        "copy the full title from the source",
    ),
    Rule(
        "CC406",
        "organisation-host-mismatch",
        _I,
        "a web page by one organisation whose url is on another site",
        "the page may be a syndicated copy: cite the site that published it, or check the author",
    ),
    # CC5xx: what fetching the sources found
    Rule(
        "CC501",
        "source-dead",
        _E,
        "a cited URL or DOI that is gone: 404, 410, a soft 404, a domain that no longer exists",
        "find the page's new address, or cite an archived copy",
    ),
    Rule(
        "CC502",
        "source-blocked",
        _W,
        "a source whose server refuses robots or wants credentials: no proof it is gone",
        "open it in a browser to confirm; --exclude it if the site always refuses checkers",
    ),
    Rule(
        "CC503",
        "source-error",
        _W,
        "a source that answered with a server error, a broken connection, a redirect loop, "
        "a redirect to an address that is no web page (mailto:, data:, ...) or to no valid "
        "address at all",
        "try again later; if it persists, look for the page's new address",
    ),
    Rule(
        "CC504",
        "source-timeout",
        _W,
        "a source that did not answer within the deadlines",
        "try again later, or raise --timeout for slow sites",
    ),
    Rule(
        "CC505",
        "url-moved",
        _I,
        "a URL that redirects permanently to another address",
        "cite the new address",
    ),
    Rule(
        "CC506",
        "insecure-tls",
        _W,
        "a source reachable only without certificate verification",
        "readers' browsers will warn them: prefer another address for the page if there is one",
    ),
    Rule(
        "CC507",
        "fragment-missing",
        _W,
        "a URL whose #fragment names no element of the page",
        "the section may have been renamed: update the fragment",
    ),
    Rule(
        "CC508",
        "source-skipped",
        _I,
        "a source that was not fetched: a private or link-local address",
        "pass --allow-private to check loopback and private addresses",
    ),
    # CC6xx: what the evidence says of each claim
    Rule(
        "CC601",
        "claim-broken",
        _E,
        "a claim whose evidence fails it: a quote missing from its source, a dead source "
        "without an archived copy, or a key that is not in the bibliography",
        "compare the quote with the closest passage shown; cite an archived copy or another "
        "source that says it",
    ),
    Rule(
        "CC602",
        "claim-at-risk",
        _W,
        "a claim whose evidence holds only in part: a near-match quote, a quote gone from the "
        "live page but kept in a snapshot, a blocked source, a dead source with an archived copy",
        "check the differences shown; cite the archived copy proposed when the page changed",
    ),
    Rule(
        "CC603",
        "claim-contested",
        _W,
        "a claim that evidence marked as refuting it still refutes: its quote is in its source",
        "say in the paper how the claim stands against that source, or revise the claim",
    ),
)

BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES}


def rule(name: str) -> Rule:
    """The rule called ``name`` (e.g. ``"undefined-key"``)."""
    return BY_NAME[name]


def resolve(code_or_name: str) -> Rule | None:
    """The rule a user names by code (``CC101``) or name (``undefined-key``), if any."""
    return BY_CODE.get(code_or_name.upper()) or BY_NAME.get(code_or_name.lower())
