"""Cited URLs as the URIs browsers send: examples, and properties over generated input."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from claimcheck.iri import InvalidURL, to_uri

# RFC 3986's characters, less the delimiters of the part they stand in.
UNRESERVED = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"
SUB_DELIMS = "!$&'()*+,;="
ESCAPES = st.sampled_from(["%20", "%2F", "%C3%A9", "%e9", "%25"])
LABELS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10)
HOSTS = st.lists(LABELS, min_size=1, max_size=3).map(".".join)
SEGMENTS = st.lists(
    st.text(alphabet=UNRESERVED + SUB_DELIMS + ":@", min_size=1, max_size=8) | ESCAPES,
    min_size=1,
    max_size=4,
).map("".join)
PATHS = st.lists(SEGMENTS, min_size=1, max_size=4).map(lambda parts: "/" + "/".join(parts))
QUERIES = st.text(alphabet=UNRESERVED + SUB_DELIMS + ":@/?", max_size=12)
URIS = st.builds(
    lambda scheme, host, port, path, query, fragment: (
        f"{scheme}://{host}{port}{path}{query}{fragment}"
    ),
    st.sampled_from(["http", "https"]),
    HOSTS,
    st.sampled_from(["", ":8080", ":1"]),
    PATHS.filter(lambda path: not {".", ".."} & set(path.lower().split("/"))),
    QUERIES.map(lambda query: f"?{query}") | st.just(""),
    QUERIES.map(lambda fragment: f"#{fragment}") | st.just(""),
)
IRIS = st.builds(
    lambda scheme, host, path, query: f"{scheme}://{host}/{path}?{query}",
    st.sampled_from(["http", "HTTPS", "ftp", "x-other"]),
    st.text(min_size=1, max_size=12),
    st.text(max_size=20),
    st.text(max_size=20),
)


@pytest.mark.parametrize(
    ("iri", "uri"),
    [
        ("http://host/新闻/签证", "http://host/%E6%96%B0%E9%97%BB/%E7%AD%BE%E8%AF%81"),
        ("http://host/search?q=비자", "http://host/search?q=%EB%B9%84%EC%9E%90"),
        ("http://café.example/", "http://xn--caf-dma.example/"),
        ("HTTP://Bücher.EXAMPLE:80/a", "http://xn--bcher-kva.example/a"),
        ("https://host/caf%C3%A9?q=%EB%B9%84", "https://host/caf%C3%A9?q=%EB%B9%84"),
        ('https://host/a b/"x"?q=a b#top é', "https://host/a%20b/%22x%22?q=a%20b#top%20%C3%A9"),
        ("http://host/100%/%zz", "http://host/100%/%zz"),
        ("http://host", "http://host/"),
        ("http://host/a/./b/../c/%2e%2E/d", "http://host/a/d"),
        ("https://brill.com/article-p1\\_001.xml", "https://brill.com/article-p1/_001.xml"),
        ("http://☃.net/", "http://xn--n3h.net/"),
        ("http://ex%41mple.org/", "http://example.org/"),
        ("http://[2001:DB8:0:0::1]:8080/", "http://[2001:db8::1]:8080/"),
        ("http://user:p@ss@host/", "http://user:p%40ss@host/"),
        ("http://@host/", "http://host/"),
        ("http://:@host/", "http://host/"),
        ("http://user:@host/", "http://user@host/"),
        ("http://:secret@host/", "http://:secret@host/"),
        ("  http://host/a\n b\t ", "http://host/a%20b"),
        ("mailto:someone@example.org", "mailto:someone@example.org"),
    ],
)
def test_cited_url_becomes_the_uri_a_browser_sends(iri: str, uri: str) -> None:
    assert to_uri(iri) == uri


def test_bytes_kept_as_surrogate_escapes_are_sent_as_those_bytes() -> None:
    raw = b"/caf\xe9/\xe6\x96\xb0".decode("utf-8", "surrogateescape")
    assert to_uri("http://host" + raw) == "http://host/caf%E9/%E6%96%B0"


@pytest.mark.parametrize(
    "url",
    [
        "http://",
        "https:///",
        "http://:80/a",
        "http://[::1/",
        "http://[::1]x/",
        "http://[not-ipv6]/",
        "http://host:99999/",
        "http://host:8o/",
        "http://exa mple.org/",
        "http://a<b>.org/",
        "http://caf%E9.org/",
    ],
)
def test_url_with_no_address_to_send_is_refused_with_a_reason(url: str) -> None:
    with pytest.raises(InvalidURL, match=r"."):
        to_uri(url)


@given(iri=st.text() | IRIS)
@example(iri="http://\udcff/\ud800")
@example(iri="http://x/%")
@example(iri="http://a.\u3002b/")
@example(iri="HTTP:\xad/0")
def test_uri_is_ascii_and_converting_it_again_changes_nothing(iri: str) -> None:
    try:
        uri = to_uri(iri)
    except InvalidURL:
        return
    assert uri.isascii()
    assert to_uri(uri) == uri


@given(uri=URIS)
@example(uri="HTTPS://Example.ORG:8080/a%2Fb;c=d?x=1&y=%20#sec-2")
def test_an_ascii_uri_comes_back_unchanged_but_for_the_case_of_scheme_and_host(uri: str) -> None:
    scheme, rest = uri.split("://", 1)
    host, slash, tail = rest.partition("/")
    assert to_uri(uri) == f"{scheme.lower()}://{host.lower()}{slash}{tail}"


@given(uri=URIS | IRIS.filter(lambda iri: iri.lower().startswith("http")))
@example(uri="http://@0/?")
@example(uri="http://:@example.org/")
def test_httpx_sends_the_uri_as_it_is(uri: str) -> None:
    try:
        sent = to_uri(uri)
        parsed = httpx.URL(sent)
    except (InvalidURL, httpx.InvalidURL):
        return
    assert str(parsed) == sent
