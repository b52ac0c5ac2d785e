"""The records and the logged-in client of tests/localities, shared with these tests."""

from tests.localities.conftest import login, records  # noqa: F401
