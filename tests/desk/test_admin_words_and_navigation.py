"""The admin speaks Vietnamese where Django's own catalogue leaves English, and the app's
navigation links to it for administrators only."""

import pytest
from django.urls import reverse

ENGLISH_LEFTOVERS = ["Skip to main content", "Toggle theme", "Model name", "Add link"]


def test_the_admin_index_has_no_english_leftovers(client, personas):
    client.force_login(personas.admin)
    html = client.get(reverse("admin:index")).content.decode()
    for english in ENGLISH_LEFTOVERS:
        assert english not in html
    assert "Chuyển đến nội dung chính" in html
    assert "Đổi giao diện (đang dùng: tự động)" in html
    assert "Loại dữ liệu" in html and "Liên kết thêm mới" in html


def test_a_change_list_has_no_english_leftovers(client, personas, records):
    client.force_login(personas.admin)
    html = client.get(reverse("admin:localities_inspection_changelist")).content.decode()
    assert "Skip to main content" not in html and "Toggle theme" not in html
    assert "Chọn mọi mục trên trang này để thực hiện thao tác" in html


def test_english_users_still_read_english(client, personas):
    client.force_login(personas.admin)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("admin:index")).content.decode()
    assert "Skip to main content" in html


@pytest.mark.parametrize(
    ("persona", "linked"),
    [
        ("admin", True),
        ("ministry", False),
        ("hn_officer", False),
        ("commune_officer", False),
    ],
)
def test_the_admin_is_linked_for_administrators_only(client, personas, persona, linked):
    client.force_login(getattr(personas, persona))
    html = client.get(reverse("exports")).content.decode()
    assert ('id="nav-admin"' in html) is linked
    assert (f'href="{reverse("admin:index")}"' in html) is linked
