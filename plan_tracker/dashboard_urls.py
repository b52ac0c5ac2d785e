"""Dashboards, charts, compliance downloads (the figures issue)."""

urlpatterns: list = []
