import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent


def test_every_string_of_the_code_has_a_vietnamese_translation():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "i18n.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, "run `make messages` and translate:\n" + result.stdout


@pytest.mark.parametrize(
    ("language", "expected"),
    [("vi", "Đăng nhập"), ("en", "Log in")],
)
def test_the_login_page_speaks_the_chosen_language(client, db, language, expected):
    client.post("/i18n/setlang/", {"language": language, "next": "/login/"})
    response = client.get("/login/")
    assert expected in response.content.decode()


def test_a_browser_asking_for_english_still_gets_vietnamese_until_the_user_switches(client, db):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Đăng nhập" in response.content.decode()


def test_vietnamese_is_the_default_language(client, db):
    response = client.get("/login/")
    assert 'lang="vi"' in response.content.decode()
    with translation.override("vi"):
        assert translation.gettext("Log in") == "Đăng nhập"
