"""Pages a site puts in front of the one cited: a sign-in page, a consent or other gate."""

from __future__ import annotations

import re
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit

from claimcheck.check.html import PageFacts
from claimcheck.check.likeness import OWN_WORDS, is_short, words
from claimcheck.identifiers import registrable_domain
from claimcheck.models import Reason

_SIGN_IN_SEGMENT = re.compile(
    r"(?:log[-_]?in|log[-_]?on|sign[-_]?in)(?:\.\w{2,5})?$"
    r"|^(?:sso|saml2?|oauth2?|openid-connect|authorize|authenticate|cas|authwall)$",
    re.IGNORECASE,
)
# A title or heading of a sign-in page (English, Chinese, Korean, Japanese).
_SIGN_IN_WORDS = re.compile(
    r"\b(?:log\s*-?\s*in|log\s*-?\s*on|sign\s*-?\s*in|sign\s+on|authenticat\w*|members?\s+only)\b"
    r"|登录|登入|로그인|ログイン|サインイン",
    re.IGNORECASE,
)
# What a sign-in form and the page around it say, and the small words between.
_SIGN_IN_VOCABULARY = re.compile(
    r"sign(?:ed|ing)?|in|out|up|log(?:in|on)?|on|user(?:name)?|name|e|e?mail|address|password"
    r"|forgot(?:ten)?|reset|remember|me|keep|stay|create|new|account|register|registration"
    r"|request|members?|only|required|continue|submit|enter|your?|to|the|an?|or|and|of|for"
    r"|here|now|not|have|don|t|do|with|by|please"
)
# Query parameters that carry the address to come back to afterwards (after signing in,
# accepting cookies, ...).
_RETURN_PARAMETERS = frozenset(
    {
        "next",
        "return",
        "returnto",
        "return_to",
        "returnurl",
        "return_url",
        "redirect",
        "redirect_to",
        "redirect_uri",
        "redirect_url",
        "redirecturl",
        "redirect_after_login",
        "sessionredirect",
        "service",
        "continue",
        "goto",
        "relaystate",
        "samlrequest",
        "dest",
        "destination",
        "came_from",
        "origin",
        "back",
        "backurl",
        "target",
        "callback",
        "done",
    }
)
# Of those, the ones that say only "send the reader on to this address afterwards": a page
# with one naming the cited page is a gate before it, not a moved page that says where the
# reader came from (origin=, target=, back=).
_ONWARD_PARAMETERS = _RETURN_PARAMETERS - {
    "service",
    "relaystate",
    "samlrequest",
    "came_from",
    "origin",
    "back",
    "target",
    "callback",
}
# A cookie-consent page: a host whose first label is "consent" (consent.youtube.com), or a path
# segment naming one (consent, collectConsent, cookie-consent, cookiewall, gdpr-consent).
_CONSENT_HOST = re.compile(r"^consent\.", re.IGNORECASE)
_CONSENT_SEGMENT = re.compile(
    r"^(?:collect|cookie|gdpr|privacy)[-_]?consent(?:[-_]?(?:page|wall|form))?(?:\.\w{2,5})?$"
    r"|^cookie[-_]?(?:wall|gate|choices?)(?:\.\w{2,5})?$",
    re.IGNORECASE,
)
# A segment "consent" alone may also name a page about consent (/guidance/consent, the ethics
# office's /research/consent/): a consent page only with a query (what to return to, a
# session) or on another host of the site.
_BARE_CONSENT_SEGMENT = re.compile(
    r"^consent(?:[-_]?(?:page|wall))?(?:\.(?:html?|php|aspx?|jsp|do))?$", re.IGNORECASE
)


def wall_before(
    cited_url: str, final_url: str, page: PageFacts | None
) -> tuple[Reason, str] | None:
    """Whether redirects from ``cited_url`` ended on a page the site puts before it: a
    sign-in page (login-required) or a consent or other gate (interstitial), and what shows
    it; None when they did not."""
    sign_in = sign_in_page(cited_url, final_url, page)
    if sign_in is not None:
        return Reason.LOGIN_REQUIRED, sign_in
    gate = gate_page(cited_url, final_url)
    return (Reason.INTERSTITIAL, gate) if gate is not None else None


def sign_in_page(cited_url: str, final_url: str, page: PageFacts | None) -> str | None:
    """What shows that redirects from ``cited_url`` ended on a sign-in page, if anything.

    Either the final address names a sign-in page (a path segment such as login, sign-in,
    sso, oauth) and carries a return address (next=, return_to=, redirect_uri=, ...), or
    the final page has a password field and its address names a sign-in page, or its main
    text is short and either its address carries a return address, its title or heading
    speaks of signing in, or it says little but what the form says. A redirect that keeps the
    path (http to https) shows nothing, nor does one from an address that names a sign-in page
    itself and sends nobody back (a sign-in form's example, /docs/examples/sign-in/): that
    page is what was cited.
    """
    final, cited = urlsplit(final_url), urlsplit(cited_url)
    if final.path.rstrip("/") == cited.path.rstrip("/"):
        return None
    if names_sign_in(cited_url) and not _sends_back(cited):
        return None
    named = names_sign_in(final_url)
    returns = _sends_back(final)
    if named and returns:
        return "a sign-in page that sends the reader back afterwards"
    if page is None or not page.password:
        return None
    if named or (
        is_short(page) and (returns or _headed_sign_in(page) or _little_but_the_form(page))
    ):
        return "a sign-in form"
    return None


def _sends_back(address: SplitResult) -> bool:
    """Whether the address carries a return address (next=, return_to=, ...)."""
    return any(
        _parameter(name) in _RETURN_PARAMETERS
        for name, _ in parse_qsl(address.query, keep_blank_values=True)
    )


def _headed_sign_in(page: PageFacts) -> bool:
    """Whether the page's title or main heading speaks of signing in."""
    return any(heading and _SIGN_IN_WORDS.search(heading) for heading in (page.title, page.h1))


def _little_but_the_form(page: PageFacts) -> bool:
    """Whether the page's main text says little but what a sign-in form says: a short
    article with a sign-in box beside it (Drupal's "User login" block) says more."""
    own = [word for word in words(page.text) if not _SIGN_IN_VOCABULARY.fullmatch(word)]
    return len(own) < OWN_WORDS


def names_sign_in(url: str) -> bool:
    """Whether a path segment of ``url`` names a sign-in page (login, sign-in, sso, ...)."""
    return any(_SIGN_IN_SEGMENT.search(segment) for segment in urlsplit(url).path.split("/"))


def gate_page(cited_url: str, final_url: str) -> str | None:
    """What shows that redirects from ``cited_url`` ended on a page the site shows before the
    cited one (a cookie-consent page, an age or region check), if anything.

    Either the final address is a consent page (its host's first label is ``consent``, or a
    path segment names one: collectConsent, cookie-consent, cookiewall, ..., or consent alone
    with a query or on another host), or it
    carries a return parameter (continue=, next=, redirect=, done=, ...) whose value is the
    cited page's address (same site, same path): the site means to send the reader on to it.
    A redirect that stays on the cited host (give or take www.) and path shows nothing.
    """
    final, cited = urlsplit(final_url), urlsplit(cited_url)
    if _same_page(final, cited):
        return None
    segments = final.path.split("/")
    bare = bool(final.query) or host_without_www(final) != host_without_www(cited)
    if (
        _CONSENT_HOST.match(final.hostname or "")
        or any(_CONSENT_SEGMENT.match(segment) for segment in segments)
        or (bare and any(_BARE_CONSENT_SEGMENT.match(segment) for segment in segments))
    ):
        return "a cookie-consent page"
    for name, value in parse_qsl(final.query, keep_blank_values=True):
        if _parameter(name) in _ONWARD_PARAMETERS and _points_at(value, cited):
            return "a page that sends the reader on to the cited one afterwards"
    return None


def _parameter(name: str) -> str:
    return name.lower().replace("-", "_")


def _same_page(final: SplitResult, cited: SplitResult) -> bool:
    """The cited page itself, but for the scheme, a www. or a closing slash."""
    return host_without_www(final) == host_without_www(cited) and final.path.rstrip(
        "/"
    ) == cited.path.rstrip("/")


def host_without_www(address: SplitResult) -> str:
    """The address's host name, lower-cased, without a leading ``www.``."""
    name = (address.hostname or "").lower()
    return name[4:] if name.startswith("www.") else name


def _points_at(value: str, cited: SplitResult) -> bool:
    """Whether ``value``, an absolute address or a path, names the cited page (its site and
    path; the query may differ, as sites add their own to it)."""
    try:
        target = urlsplit(value.strip())
        hostname = target.hostname
    except ValueError:
        return False
    if target.netloc:
        if target.scheme not in {"http", "https"}:
            return False
        same_site = registrable_domain(hostname or "") == registrable_domain(cited.hostname or "")
        if not same_site:
            return False
    elif target.scheme or not target.path.startswith("/"):
        return False
    return unquote(target.path).rstrip("/") == unquote(cited.path).rstrip("/")
