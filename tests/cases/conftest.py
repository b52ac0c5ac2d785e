import pytest

from tests.cases.watched import build


@pytest.fixture
def watched(world):
    """The cases of tests/cases/watched.py, by reference."""
    return build(world)
