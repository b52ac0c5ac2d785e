"""The Content-Security-Policy refuses inline scripts, on...= handlers, <style> elements and
style="..." attributes: the templates and the pages keep none of them."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.DOTALL)
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.DOTALL)
STYLE_ELEMENT = re.compile(r"<style[\s>]")


def blocked(html: str) -> list[str]:
    found = []
    for name, pattern in [
        ("inline script", INLINE_SCRIPT),
        ("event handler attribute", HANDLER),
        ("style attribute", STYLE_ATTRIBUTE),
        ("style element", STYLE_ELEMENT),
    ]:
        found += [f"{name}: {match.group(0)[:80]}" for match in pattern.finditer(html)]
    return found


def test_the_patterns_find_what_the_policy_blocks():
    assert blocked('<script>alert(1)</script><script src="/static/a.js"></script>') == [
        "inline script: <script>"
    ]
    assert len(blocked('<select class="x" onchange="go()">')) == 1
    assert len(blocked('<div class="bar" style="width: 5%">')) == 1
    assert len(blocked("<style>p { color: red }</style>")) == 1
    assert blocked('<script type="application/json" id="d">{}</script><p>style= on=</p>') == []


# The HTML of the daily digest's e-mail: mail programs take styles from the message itself, and
# no page of the app serves it (the home page shows the lists it includes, which have none).
MAIL_TEMPLATES = {"digests/digest.html"}


def template_files():
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(folder).rglob("*.html")):
            if path.relative_to(folder).as_posix() not in MAIL_TEMPLATES:
                yield path


def test_only_the_mails_templates_are_left_out():
    names = {p.name for p in template_files()}
    assert {"home_list.html", "lists.html", "preference.html"} <= names
    assert "digest.html" not in names


@pytest.mark.parametrize("path", list(template_files()), ids=lambda p: p.name)
def test_no_template_has_what_the_policy_blocks(path):
    assert blocked(path.read_text()) == []


def test_the_policy_allows_the_apps_own_scripts_and_styles_only(client):
    response = client.get(reverse("login"))

    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "dashboard_national",
        "establishment_list",
        "inspection_list",
        "report_list",
        "import_upload",
        "exports",
        "export_report",
    ],
)
def test_the_pages_have_nothing_the_policy_blocks(client, personas, name):
    client.force_login(personas.admin)

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert blocked(response.content.decode()) == []


def test_the_login_page_has_nothing_the_policy_blocks(client, db):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert blocked(response.content.decode()) == []
