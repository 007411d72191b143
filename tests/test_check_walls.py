"""Pages a site puts before the cited one: sign-in walls, cookie-consent pages, other gates."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimcheck.check.walls import gate_page, sign_in_page
from tests.test_check_notices import ARTICLES, facts

# Sign-in walls ------------------------------------------------------------------------

CITED = "https://journal.example/papers/42"


@pytest.mark.parametrize(
    "final",
    [
        "https://journal.example/accounts/login/?next=/papers/42",
        "https://journal.example/wp-login.php?redirect_to=%2Fpapers%2F42",
        "https://idp.example.edu/idp/profile/SAML2/Redirect/SSO?SAMLRequest=abc",
        "https://accounts.example.com/v3/signin/identifier?continue=https%3A%2F%2Fjournal",
        "https://login.example.com/common/oauth2/authorize?redirect_uri=https%3A%2F%2Fj",
        "https://journal.example/Special:UserLogin?returnto=Papers",
        "https://x.example/i/flow/login?redirect_after_login=%2Fjack%2Fstatus%2F20",
        "https://www.linkedin.example/authwall?trk=ripf&sessionRedirect=https%3A%2F%2Fj",
    ],
)
def test_sign_in_address_with_a_return_address_is_a_wall(final: str) -> None:
    assert sign_in_page(CITED, final, facts("Sign in", "Sign in to continue")) is not None


def test_sign_in_address_with_a_password_field_is_a_wall() -> None:
    page = facts("Sign in", " ".join(ARTICLES * 10), password=True)

    assert sign_in_page(CITED, "https://journal.example/users/sign_in", page) is not None


def test_short_page_with_a_password_field_is_a_wall() -> None:
    page = facts("Members", "Members only. User name Password Sign in", password=True)

    assert sign_in_page(CITED, "https://journal.example/gate", page) is not None


def test_short_article_with_a_sign_in_box_beside_it_is_no_wall() -> None:
    """Drupal's "User login" block beside a short notice, reached from /node/123: the page
    says more than the form does."""
    text = (
        "Spring clean-up day on 20 April Join your neighbours on Saturday 20 April from 10 am "
        "to clean up the park and the riverbank. Gloves and bags are provided. Meet at the "
        "playground. User login Username Password Create new account Request new password Log in"
    )
    page = facts("Spring clean-up day on 20 April | Millbrook", text, password=True)

    assert sign_in_page(CITED, "https://journal.example/news/spring-clean-up-day", page) is None


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Log in | Example Journal", "Welcome back to the archive of the Example Journal."),
        ("Example Journal", "Email Password Forgot your password? Remember me Sign in"),
    ],
)
def test_short_page_headed_sign_in_or_holding_only_the_form_is_a_wall(
    title: str, text: str
) -> None:
    page = facts(title, text, password=True)

    assert sign_in_page(CITED, "https://journal.example/gate", page) is not None


def test_page_about_signing_in_without_a_form_or_return_address_is_no_wall() -> None:
    page = facts("How to log in", "To log in, type your user name and password.")

    assert sign_in_page(CITED, "https://journal.example/help/login", page) is None


def test_long_page_with_a_sidebar_password_field_is_no_wall() -> None:
    page = facts("Catalyst news", " ".join(ARTICLES * 10), password=True)

    assert sign_in_page(CITED, "https://journal.example/forum/7-catalyst", page) is None


def test_redirect_keeping_the_path_is_no_wall() -> None:
    page = facts("Sign in", "Sign in", password=True)

    assert (
        sign_in_page("http://journal.example/login", "https://journal.example/login/", page) is None
    )


# Consent pages and other gates ----------------------------------------------------------

VIDEO = "https://www.video.example/watch?v=dQw4w9WgXcQ"


@pytest.mark.parametrize(
    "final",
    [
        # The host of a consent service, with the cited address as continue=, which the
        # site extends with its own parameter (cbrd=1).
        "https://consent.video.example/m?continue=https%3A%2F%2Fwww.video.example%2Fwatch%3Fv"
        "%3DdQw4w9WgXcQ%26cbrd%3D1&gl=DE&m=0&pc=yt&hl=de&src=1",
        # A consent page that remembers the reader by a session, not by the address.
        "https://consent.portal.example/v2/collectConsent?sessionId=3_cc-session_5b1c",
        "https://www.video.example/cookie-consent?lang=de",
        "https://www.video.example/privacy/cookiewall",
        # A page named consent alone, with a query or on another host of the site.
        "https://www.video.example/consent?sessionId=3_cc-session_5b1c",
        "https://privacy.video.example/consent",
    ],
)
def test_redirect_to_a_cookie_consent_page_is_a_gate(final: str) -> None:
    assert gate_page(VIDEO, final) == "a cookie-consent page"


@pytest.mark.parametrize(
    "final",
    [
        "https://www.video.example/age-check?continue=https%3A%2F%2Fwww.video.example%2Fwatch",
        "https://www.video.example/choose-region?redirect=%2Fwatch%3Fv%3Dother",
        "https://www.video.example/interstitial?done=http://video.example/watch/",
        "https://gate.example.org/verify?return_url=https%3A%2F%2Fwww.video.example%2Fwatch",
    ],
)
def test_redirect_to_a_page_that_sends_the_reader_on_to_the_cited_one_is_a_gate(
    final: str,
) -> None:
    assert gate_page(VIDEO, final) == "a page that sends the reader on to the cited one afterwards"


def test_page_on_consent_reached_on_the_sites_www_host_is_the_page_itself() -> None:
    cited = "https://gov.example/guidance/consent"

    assert gate_page(cited, "https://www.gov.example/guidance/consent") is None


def test_escaped_address_of_the_cited_page_is_read_as_that_address() -> None:
    cited = "https://news.example/%EB%89%B4%EC%8A%A4/7"
    # The cited address as sent, escaped once more as a parameter's value, and as the reader
    # sees it (뉴스), escaped once.
    sent = "https%3A%2F%2Fnews.example%2F%25EB%2589%25B4%25EC%258A%25A4%2F7"
    seen = "https%3A%2F%2Fnews.example%2F%EB%89%B4%EC%8A%A4%2F7"

    assert gate_page(cited, f"https://news.example/gate?continue={sent}") is not None
    assert gate_page(cited, f"https://news.example/gate?continue={seen}") is not None
    assert gate_page(cited, f"https://news.example/gate?continue={seen[:-4]}") is None


@pytest.mark.parametrize(
    "final",
    [
        # A moved page that says where the reader came from is the page itself.
        "https://www.video.example/videos/never-gonna?origin=%2Fwatch",
        "https://www.video.example/videos/never-gonna?back=https://www.video.example/watch",
        # An onward address naming another page, or another site's page of the same path.
        "https://www.video.example/age-check?continue=%2Fplaylist",
        "https://www.video.example/age-check?continue=https%3A%2F%2Fother.example%2Fwatch",
        "https://www.video.example/age-check?continue=javascript%3A%2Fwatch",
        "https://www.video.example/age-check?continue=watch",
        "https://www.video.example/age-check?continue=http%3A%2F%2F%5B%3A%3A1%2Fwatch",
        # An article about consent is no consent page, nor is a page of guidance on it.
        "https://www.video.example/news/informed-consent-in-medical-research",
        "https://www.video.example/lawful-basis/consent/",
        "https://www.video.example/research/ethics/consent-form.pdf",
        "https://www.video.example/cookies-recipes/chocolate-chip",
        # The cited page itself, over https.
        "https://www.video.example/watch/?v=dQw4w9WgXcQ",
    ],
)
def test_redirect_to_a_page_that_is_no_gate_shows_nothing(final: str) -> None:
    assert gate_page(VIDEO, final) is None


@given(st.text(), st.text())
def test_any_query_of_the_final_address_gives_an_answer(name: str, value: str) -> None:
    final = "https://www.video.example/gate?" + urlencode({name: value, "continue": value})
    assert gate_page(VIDEO, final) in {
        None,
        "a page that sends the reader on to the cited one afterwards",
    }
