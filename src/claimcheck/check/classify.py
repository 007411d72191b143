"""Turn what a fetch saw into a status and a reason: pure rules, no I/O."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urldefrag, urlsplit

from claimcheck.check.baseline import Baseline
from claimcheck.check.faults import Failure
from claimcheck.check.fetch import PERMANENT, REFUSING, Answer, Outcome
from claimcheck.check.html import HUMAN_CHECK, PageFacts, is_challenge
from claimcheck.check.likeness import is_short, same_page, url_words
from claimcheck.check.notices import not_found_heading, removal_notice
from claimcheck.check.walls import host_without_www, names_sign_in, wall_before
from claimcheck.identifiers import registrable_domain
from claimcheck.models import Note, NoteCode, Reason, SourceStatus

# A site's home page in a language: /en/, /zh-cn/, and the three-letter forms many government
# and embassy sites use (/eng/, /chn/, /kor/), those that name no section as well.
_LANGUAGES = (
    "en|de|fr|es|it|pt|nl|sv|da|no|fi|pl|cs|ru|uk|tr|ar|he|ja|jp|zh|cn|ko|kr|hi|id"
    "|eng|chn|zho|kor|jpn|fra|deu|spa|ita|rus|vie|tha"
)
_HOME_PATHS = re.compile(
    rf"^/?(?:(?:{_LANGUAGES})(?:[-_][a-z]{{2,4}})?/?)?"
    r"(?:index\.(?:html?|php|aspx?|jsp)|home(?:page)?(?:\.html?)?|default\.aspx?)?/?$",
    re.IGNORECASE,
)
# A home page under another name, at most two segments deep: /index, /main.do (as Korean
# government sites name theirs), /www/main.do, /web/guest/home, /pages/default.aspx, /portal/.
_NAMES_HOME = re.compile(
    r"^/?(?:[^/]+/){0,2}(?:index|default|home|homepage|main|start|welcome|portal|accueil"
    r"|inicio|startseite)(?:\.\w{1,6})?/?$",
    re.IGNORECASE,
)
# A path segment or query parameter naming an error page: 404.html, not-found, error-404,
# PageNotFound.aspx. A slug that starts so (404-days-of-war) names an article.
_ERROR_NAME = re.compile(
    r"(?:error[-_]?|http[-_]?)?(?:404[-_]?)?(?:(?:page[-_]?)?not[-_]?found|404)"
    r"(?:[-_]?(?:page|error))?(?:[-_]?404)?(?:\.\w{1,5})?",
    re.IGNORECASE,
)
# A bare 404 segment names an error page at the top of the site or under these (/404,
# /en/404, /errors/404); elsewhere it is an id (/archives/404, /questions/404/slug).
_ERROR_PLACE = re.compile(
    rf"(?:{_LANGUAGES})(?:[-_][a-z]{{2,4}})?|errors?|err|http|status|system|pages?|static",
    re.IGNORECASE,
)
# Query parameters whose value is an error's status code (?code=404; ?id=404 is an id), and
# ASP.NET's, whose presence says an error page was shown for the path it carries.
_STATUS_PARAMETERS = frozenset(
    {"error", "err", "code", "errorcode", "error_code", "status", "statuscode", "status_code"}
)
_ERROR_PARAMETERS = frozenset({"aspxerrorpath"})
_FAILURES: dict[Failure, tuple[SourceStatus, Reason]] = {
    Failure.NAME_NOT_FOUND: (SourceStatus.DEAD, Reason.DOMAIN_NOT_FOUND),
    Failure.LOOKUP_FAILED: (SourceStatus.ERROR, Reason.DNS_FAILED),
    Failure.LOOKUP_TIMEOUT: (SourceStatus.TIMEOUT, Reason.DNS_TIMEOUT),
    Failure.PROXY_FAILED: (SourceStatus.ERROR, Reason.PROXY_FAILED),
    Failure.INTERNAL: (SourceStatus.ERROR, Reason.INTERNAL_ERROR),
    Failure.REFUSED: (SourceStatus.ERROR, Reason.CONNECTION_REFUSED),
    Failure.CONNECT_FAILED: (SourceStatus.ERROR, Reason.CONNECTION_FAILED),
    Failure.RESET: (SourceStatus.ERROR, Reason.CONNECTION_FAILED),
    Failure.TLS: (SourceStatus.ERROR, Reason.TLS_FAILED),
    Failure.TLS_VERIFY: (SourceStatus.ERROR, Reason.TLS_FAILED),
    Failure.CONNECT_TIMEOUT: (SourceStatus.TIMEOUT, Reason.CONNECT_TIMEOUT),
    Failure.READ_TIMEOUT: (SourceStatus.TIMEOUT, Reason.READ_TIMEOUT),
    Failure.TOTAL_TIMEOUT: (SourceStatus.TIMEOUT, Reason.TOTAL_TIMEOUT),
    Failure.HOST_UNRESPONSIVE: (SourceStatus.TIMEOUT, Reason.HOST_UNRESPONSIVE),
    Failure.RUN_DEADLINE: (SourceStatus.TIMEOUT, Reason.RUN_DEADLINE),
    Failure.REDIRECT_LOOP: (SourceStatus.ERROR, Reason.REDIRECT_LOOP),
    Failure.TOO_MANY_REDIRECTS: (SourceStatus.ERROR, Reason.TOO_MANY_REDIRECTS),
    Failure.MALFORMED: (SourceStatus.ERROR, Reason.MALFORMED_RESPONSE),
    Failure.FORBIDDEN_ADDRESS: (SourceStatus.SKIPPED, Reason.FORBIDDEN_ADDRESS),
    Failure.PRIVATE_ADDRESS: (SourceStatus.SKIPPED, Reason.PRIVATE_ADDRESS),
    Failure.UNSUPPORTED_SCHEME: (SourceStatus.SKIPPED, Reason.UNSUPPORTED_SCHEME),
    Failure.REDIRECT_UNSUPPORTED_SCHEME: (SourceStatus.ERROR, Reason.REDIRECT_UNSUPPORTED_SCHEME),
    Failure.REDIRECT_INVALID_URL: (SourceStatus.ERROR, Reason.REDIRECT_INVALID_URL),
    Failure.INVALID_URL: (SourceStatus.INVALID, Reason.INVALID_URL),
}


@dataclass(frozen=True)
class Verdict:
    """A source's status, the reason for it, the evidence in words, and remarks."""

    status: SourceStatus
    reason: Reason
    detail: str
    notes: tuple[Note, ...] = ()


def classify(outcome: Outcome, *, fragments: bool = True) -> Verdict:
    """The verdict on one fetch; ``fragments`` says whether a missing #fragment is noted."""
    if outcome.answer is None:
        failure = outcome.failure or Failure.CONNECT_FAILED
        status, reason = _FAILURES[failure]
        return Verdict(status, reason, outcome.detail or failure.value)
    verdict = _classify_answer(outcome, outcome.answer)
    if verdict.status is SourceStatus.ALIVE:
        notes = _notes(outcome, fragments=fragments)
        return Verdict(verdict.status, verdict.reason, verdict.detail, notes)
    return verdict


def _classify_answer(outcome: Outcome, answer: Answer) -> Verdict:
    code = answer.status
    if is_challenge(code, answer.headers, answer.page):
        return Verdict(
            SourceStatus.BLOCKED,
            Reason.BOT_CHALLENGE,
            f"HTTP {code}: a bot challenge page stands in front of the page",
        )
    if code in {404, 410}:
        reason = Reason.NOT_FOUND if code == 404 else Reason.GONE
        return Verdict(SourceStatus.DEAD, reason, f"HTTP {code}")
    if code == 429 or (code == 503 and outcome.retry_after is not None):
        wait = f" (Retry-After {outcome.retry_after:g} s)" if outcome.retry_after else ""
        return Verdict(SourceStatus.BLOCKED, Reason.RATE_LIMITED, f"HTTP {code}{wait}")
    if code in REFUSING:
        return Verdict(SourceStatus.BLOCKED, Reason.ACCESS_DENIED, f"HTTP {code}")
    if code >= 500:
        return Verdict(SourceStatus.ERROR, Reason.SERVER_ERROR, f"HTTP {code}")
    if 200 <= code < 300:
        return _classify_success(outcome, answer)
    return Verdict(SourceStatus.ERROR, Reason.UNEXPECTED_STATUS, f"HTTP {code}")


def _classify_success(outcome: Outcome, answer: Answer) -> Verdict:
    # An error page first: one that offers to send the reader back (/404?redirect=...) is
    # still one.
    if outcome.hops and _names_error_page(outcome.url, answer.url) and _reads_as_error(answer):
        return Verdict(
            SourceStatus.DEAD,
            Reason.SOFT_404_ERROR_URL,
            f"HTTP {answer.status}, but the redirects end at an error page {answer.url}",
        )
    wall = wall_before(outcome.url, answer.url, answer.page) if outcome.hops else None
    if wall is not None:
        reason, shown = wall
        return Verdict(
            SourceStatus.BLOCKED,
            reason,
            f"HTTP {answer.status}, but the redirects end at {shown}: {answer.url}",
        )
    if outcome.hops and _home_redirect(outcome.url, answer.url):
        gate = _gate_page(answer.page) if answer.page is not None else None
        if gate is not None:
            reason, shown = gate
            return Verdict(
                SourceStatus.BLOCKED,
                reason,
                f"HTTP {answer.status}, but the redirects end at {shown}: {answer.url}",
            )
        return Verdict(
            SourceStatus.DEAD,
            Reason.SOFT_404_HOME_REDIRECT,
            f"HTTP {answer.status}, but only after a redirect to the site's home page {answer.url}",
        )
    # A page cited at an address that names an error (MDN's /docs/Web/HTTP/Status/404) is
    # about that error: its title saying "404 Not Found" is its subject, not a notice.
    heading = (
        None
        if _error_address(outcome.url, ids=True)
        else not_found_heading(answer.page, url_words((outcome.url,)))
    )
    if heading is not None:
        return Verdict(
            SourceStatus.DEAD,
            Reason.SOFT_404_TITLE,
            f"HTTP {answer.status}, but the page says {heading!r}",
        )
    notice = removal_notice(answer.page)
    if notice is not None:
        return Verdict(
            SourceStatus.DEAD,
            Reason.CONTENT_REMOVED,
            f"HTTP {answer.status}, but the page says {notice!r}",
        )
    return Verdict(SourceStatus.ALIVE, Reason.OK, f"HTTP {answer.status}")


def wants_baseline(outcome: Outcome, verdict: Verdict) -> bool:
    """Whether an alive page must be compared with what its site shows for a path that
    cannot exist: an HTML page (2xx) at a URL deeper than the site's home page.

    A non-HTML answer (a PDF, data) is plainly the thing cited; the home page cannot be
    compared with the site's answer to every unknown path; a sign-in page is the same for
    every path it guards.
    """
    answer = outcome.answer
    return (
        verdict.status is SourceStatus.ALIVE
        and answer is not None
        and answer.page is not None
        and 200 <= answer.status < 300
        and _deep(urlsplit(outcome.url).path)
        and not names_sign_in(answer.url)
    )


def against_baseline(outcome: Outcome, verdict: Verdict, baseline: Baseline | None) -> Verdict:
    """The verdict once the page is compared with its site's answer to a nonsense path.

    The page is a soft 404 when its redirects end where the nonsense path's end, or when it
    has the nonsense page's title and near-identical main text (likeness.same_page). The
    page the nonsense path is redirected to is not judged by it: it may be cited for itself;
    nor is the shell of a JavaScript application, which it serves for every address.
    """
    answer = outcome.answer
    if baseline is None or answer is None or answer.page is None:
        return verdict
    final = urldefrag(answer.url)[0]
    if final == urldefrag(baseline.final_url)[0]:
        if not (outcome.hops and baseline.redirected) or _cited_itself(outcome.url, final):
            return verdict
        gate = _site_wide_gate(baseline)
        if gate is not None:
            return _gated(answer.status, answer.url, gate)
        return Verdict(
            SourceStatus.DEAD,
            Reason.SOFT_404_CATCH_ALL,
            f"HTTP {answer.status}, but only after redirects to {answer.url}, where a path "
            f"that cannot exist ({baseline.url}) is sent too",
        )
    if answer.page.shell and baseline.page.shell:
        # A JavaScript application serves one shell for every address: that says nothing
        # of whether the page it draws for this one exists. (Redirects of every address to
        # one page, above, are a catch-all however that page is drawn: a parked domain's.)
        return verdict
    ignored = (
        url_words((outcome.url, answer.url, baseline.url, baseline.final_url))
        if _echoes_its_path(baseline)
        else frozenset()
    )
    if not same_page(answer.page, baseline.page, ignored):
        return verdict
    gate = _site_wide_gate(baseline)
    if gate is not None:
        return _gated(answer.status, answer.url, gate)
    return Verdict(
        SourceStatus.DEAD,
        Reason.SOFT_404_CATCH_ALL,
        f"HTTP {answer.status}, but the page is the one the site shows for a path that "
        f"cannot exist ({baseline.url})",
    )


def _site_wide_gate(baseline: Baseline) -> tuple[Reason, str] | None:
    """Whether the page every address of the site ends on, a path that cannot exist too, is
    one the site puts before its pages (a robot check, a sign-in wall, a region or
    maintenance notice), and what shows it: it remembers where the reader was going (the
    nonsense path in its address, plainly, escaped or in base64), it holds a password field,
    or its title or heading says so. Such a site hides whether the page is there."""
    if _carries(baseline.final_url, _nonsense_token(baseline)):
        return Reason.INTERSTITIAL, "a page that sends the reader on afterwards"
    return _gate_page(baseline.page)


def _gate_page(page: PageFacts) -> tuple[Reason, str] | None:
    """Whether ``page`` is one a site shows before its pages: a password field, a title or
    heading of a robot check, sign-in wall, region block or maintenance notice, or a short
    text saying one of those."""
    if page.password:
        return Reason.LOGIN_REQUIRED, "a sign-in form"
    for heading in (page.title, page.h1):
        found = _GATE_WORDS.search(heading or "")
        if found is not None:
            return _GATE_REASONS[found.lastgroup or ""], f"a page titled {heading!r}"
    found = _GATE_TEXT.search(page.text) if is_short(page) else None
    if found is not None:
        return _GATE_REASONS[found.lastgroup or ""], f"a page saying {found.group(0)!r}"
    return None


def _gated(status: int, url: str, gate: tuple[Reason, str]) -> Verdict:
    reason, shown = gate
    return Verdict(
        SourceStatus.BLOCKED,
        reason,
        f"HTTP {status}, but every address of the site, one that cannot exist too, ends at "
        f"{shown}: {url}",
    )


def _nonsense_token(baseline: Baseline) -> str:
    segment = urlsplit(baseline.url).path.rsplit("/", 1)[-1]
    return max(segment.split("-"), key=len).lower()


def _carries(url: str, token: str) -> bool:
    """Whether ``url``'s query or fragment holds ``token``, plainly, escaped or in base64."""
    parts = urlsplit(url)
    carried = f"{parts.query}&{parts.fragment}"
    if not token or not carried.strip("&"):
        return False
    if token in unquote(unquote(carried)).lower():
        return True
    for _, value in parse_qsl(carried, keep_blank_values=True):
        if len(value) >= 16 and _BASE64.fullmatch(value):
            padded = value + "=" * (-len(value) % 4)
            try:
                decoded = base64.b64decode(padded.replace("-", "+").replace("_", "/"))
            except ValueError:
                continue
            if token.encode() in decoded.lower():
                return True
    return False


_BASE64 = re.compile(r"[A-Za-z0-9+/_-]+=*")
# A title or heading of a page a site shows before every page: a robot check, a sign-in
# wall, a region block, maintenance.
_GATE_WORDS = re.compile(
    r"(?P<robot>\brobot\b|captcha|are\s+you\s+(?:a\s+)?human|verify\s+(?:that\s+)?you"
    r"|access\s+check|security\s+check|just\s+a\s+moment|checking\s+your\s+browser)"
    r"|(?P<wall>\bsign\s*-?\s*(?:in|up)\b|\blog\s*-?\s*in(?:to)?\b|\bauthwall\b"
    r"|access\s+denied|permission|not\s+available\s+in\s+your|unavailable\s+in\s+your"
    r"|your\s+(?:country|region)|maintenance|be\s+back\s+soon)",
    re.IGNORECASE,
)
# ... and what the short text of one says.
_GATE_TEXT = re.compile(
    rf"(?P<robot>{HUMAN_CHECK.pattern})"
    r"|(?P<wall>(?:un|not\s+)available\s+in\s+(?:your|most|many)\s+(?:\w+\s+)?"
    r"(?:countr(?:y|ies)|regions?|locations?))",
    re.IGNORECASE,
)
_GATE_REASONS = {"robot": Reason.BOT_CHALLENGE, "wall": Reason.INTERSTITIAL}


def _echoes_its_path(baseline: Baseline) -> bool:
    """Whether the site's page for the nonsense path repeats that path (a search page for
    it, "Nothing found for /claimcheck-...-missing"): only then are the words of the
    addresses left out when pages are compared. Left out otherwise, they would take a page's
    title that repeats its own slug down to the site's name its error page is titled with."""
    token = _nonsense_token(baseline)
    seen = f"{baseline.page.title or ''} {baseline.page.text}".lower()
    return bool(token) and token in seen


def _cited_itself(cited: str, final: str) -> bool:
    """Whether ``final`` is the cited address but for its scheme, a www. before its host name
    and a closing slash (/blog to /blog/, http://example.org/news/ to https://www...): the
    page the site sends unknown paths to, cited for itself."""
    before, after = urlsplit(cited), urlsplit(final)
    return (
        host_without_www(before) == host_without_www(after)
        and before.path.rstrip("/") == after.path.rstrip("/")
        and before.query == after.query
    )


def _home_redirect(original: str, final: str) -> bool:
    """A deep URL whose redirects end at the home page of the same site (same registrable
    domain: blog.example.de and www.example.de are one site), not at a route of an
    application drawn in the browser (/#/dataset/air-quality, /#!/item/7)."""
    before, after = urlsplit(original), urlsplit(final)
    if not _deep(before.path) or not _HOME_PATHS.match(after.path) or after.query:
        return False
    if after.fragment.startswith(("/", "!")) and after.fragment.strip("/!"):
        return False
    return registrable_domain(before.hostname or "") == registrable_domain(after.hostname or "")


def _deep(path: str) -> bool:
    """A path below the site's home page (not /, /index.html, /en/, /www/main.do and the
    like: a redirect from a home page's other name to the home page is no soft 404)."""
    return path.strip("/") != "" and not _HOME_PATHS.match(path) and not _NAMES_HOME.match(path)


def _reads_as_error(answer: Answer) -> bool:
    """Whether a page reached at an error page's address reads as one: short, or headed as
    one. A long article there is an article (Wikipedia's /wiki/HTTP_404, the redirect of
    /wiki/Soft_404); a page that is no HTML is judged by its address alone."""
    page = answer.page
    return page is None or is_short(page) or not_found_heading(page) is not None


def _names_error_page(original: str, final: str) -> bool:
    """Whether the redirects from ``original`` end at an address naming an error page."""
    return _error_address(final) and not _error_address(original, ids=True)


def _error_address(url: str, *, ids: bool = False) -> bool:
    """An address with a path segment naming an error page (/errors/404.html, /not-found,
    /404 where an id is no place: not /archives/404),
    a query naming one (?code=404, ?page=not-found, IIS's ?404;http://...) or ASP.NET's
    ?aspxerrorpath=. With ``ids``, a bare 404 counts wherever it stands: a page cited at
    /docs/Web/HTTP/Status/404 is about the error its address names."""
    parts = urlsplit(url)
    segments = [unquote(segment) for segment in parts.path.split("/") if segment]
    for place, segment in enumerate(segments):
        if _ERROR_NAME.fullmatch(segment) and (
            ids or not segment.isdigit() or all(_ERROR_PLACE.fullmatch(s) for s in segments[:place])
        ):
            return True
    if _ERROR_NAME.fullmatch(unquote(parts.query.split(";", 1)[0])):
        return True
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        key = name.lower()
        if key in _ERROR_PARAMETERS or _ERROR_NAME.fullmatch(name):
            return True
        if _ERROR_NAME.fullmatch(value) and (not value.isdigit() or key in _STATUS_PARAMETERS):
            return True
    return False


def _notes(outcome: Outcome, *, fragments: bool) -> tuple[Note, ...]:
    notes: list[Note] = []
    answer = outcome.answer
    assert answer is not None
    if outcome.hops and outcome.hops[0].status in PERMANENT and answer.url != outcome.url:
        notes.append(
            Note(
                code=NoteCode.PERMANENT_REDIRECT,
                message=f"moved permanently: cite {answer.url}",
            )
        )
    if outcome.tls_problem:
        notes.append(
            Note(
                code=NoteCode.INSECURE_TLS,
                message=f"fetched without certificate verification: {outcome.tls_problem}",
            )
        )
    if outcome.browser_headers:
        notes.append(
            Note(
                code=NoteCode.BROWSER_HEADERS,
                message="the server answered only to browser-like request headers",
            )
        )
    if answer.cut_short:
        notes.append(
            Note(
                code=NoteCode.BODY_CUT_SHORT,
                message=f"the connection closed after {_size(answer.size)} of the page, "
                "before its end, each time it was asked for: the rest was not checked",
            )
        )
    elif answer.truncated:
        notes.append(Note(code=NoteCode.BODY_TRUNCATED, message=_truncation(answer)))
    if outcome.ignored_refresh is not None:
        notes.append(
            Note(
                code=NoteCode.REFRESH_IGNORED,
                message=f"the page's meta refresh to {outcome.ignored_refresh!r} leads to no "
                "web address: it was ignored, as browsers ignore it",
            )
        )
    missing = _missing_fragment(outcome.url, answer) if fragments else None
    if missing:
        notes.append(
            Note(
                code=NoteCode.FRAGMENT_MISSING,
                message=f"the page has no element with id or name {missing!r}",
            )
        )
    return tuple(notes)


def _truncation(answer: Answer) -> str:
    if not answer.decodable:
        encoding = answer.headers.get("content-encoding", "unknown")
        return f"the page's body ({encoding}) could not be decoded: its text was not checked"
    return f"only the first {_size(answer.size)} of the page were read; the rest was not checked"


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.3g} MiB"
    if count >= 1024:
        return f"{count / 1024:.3g} KiB"
    return f"{count} bytes"


def _missing_fragment(url: str, answer: Answer) -> str | None:
    """The URL's #fragment when the HTML page has no such anchor (SPA routes not judged)."""
    fragment = urlsplit(url).fragment
    if not fragment or answer.page is None or answer.truncated:
        return None
    if fragment.startswith(("!", "/", ":~:")) or "=" in fragment:
        return None
    anchors = answer.page.anchors
    if fragment in anchors or unquote(fragment) in anchors:
        return None
    return unquote(fragment)
