"""Imports, exports and the read-only API (the exchange issue)."""

urlpatterns: list = []
