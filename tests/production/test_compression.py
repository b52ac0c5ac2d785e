"""Pages travel compressed to a browser that accepts gzip, with their security headers intact."""

import gzip

from django.urls import reverse

from tests.plan_tracker import scenario


def test_a_dashboard_travels_gzipped_with_its_policy(client, world, kinds, personas):
    scenario.build(world, kinds)
    client.force_login(personas.ministry)
    url = reverse("dashboard_locality", kwargs={"pk": world.hn.pk}) + "?year=2024"
    plain = client.get(url)
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert packed["Content-Security-Policy"] == plain["Content-Security-Policy"]
    # The same page, in under a third of the bytes.
    html = gzip.decompress(packed.content).decode()
    assert "Phường Ba Đình" in html and "Phường Ba Đình" in plain.content.decode()
    assert len(packed.content) < len(plain.content) / 3


def test_a_csv_export_travels_gzipped(client, world, kinds, personas):
    scenario.build(world, kinds)
    client.force_login(personas.ministry)
    url = reverse("export_compliance", kwargs={"fmt": "csv"}) + "?year=2024&level=commune"
    plain = client.get(url)
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    body = b"".join(packed.streaming_content) if packed.streaming else packed.content
    expected = b"".join(plain.streaming_content) if plain.streaming else plain.content
    assert gzip.decompress(body) == expected
