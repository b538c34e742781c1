"""?next= after sign-in and after a language switch stays on this site, whatever it holds."""

import pytest

from ecabinet.core.security import safe_next_path
from tests.conftest import DEMO_PASSWORD, csrf_token

LEAVING = [
    "/\t/evil.example",        # the tester's case: browsers drop the tab -> //evil.example
    "/\n/evil.example",
    "/\r\n/evil.example",
    " //evil.example",
    "\x00//evil.example",
    "//evil.example/x",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "https://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "data:text/html,x",
    "evil.example",
    "",
]


@pytest.mark.parametrize("target", LEAVING)
def test_safe_next_path_refuses_what_a_browser_would_follow_off_site(target):
    assert safe_next_path(target) is None


@pytest.mark.parametrize("target, path", [
    ("/meetings/3", "/meetings/3"),
    ("/meetings/3/documents?x=1#p", "/meetings/3/documents?x=1#p"),
    ("/\n", "/"),
    ("  /meetings/3\t", "/meetings/3"),
])
def test_safe_next_path_keeps_paths_on_this_site(target, path):
    assert safe_next_path(target) == path


def _login(client, query: str):
    return client.post(f"/login?{query}", data={"username": "member", "password": DEMO_PASSWORD,
                                               "csrf_token": csrf_token(client)})


@pytest.mark.parametrize("query", ["next=/%09/evil.example", "next=/%0a/evil.example",
                                   "next=/%5Cevil.example", "next=%2F%2Fevil.example",
                                   "next=https://evil.example", "next=/%0d%0a/x"])
def test_login_next_never_leaves_the_site(client, world, query):
    response = _login(client, query)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_next_with_newline_signs_in_instead_of_500(client, world):
    response = _login(client, "next=/%0a/x")  # "//x" to a browser: another host
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_login_next_to_a_page_of_the_site_is_followed(client, world):
    assert _login(client, "next=/meetings/1").headers["Location"] == "/meetings/1"


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\n/evil.example", "/\\evil.example",
                                    "//evil.example", "https://evil.example"])
def test_language_next_never_leaves_the_site(client, world, target):
    response = client.post("/language", data={"language": "en", "next": target,
                                               "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
