# The exchange tests' settings: fast passwords, each test's uploads in a folder of its own,
# tasks stored and run only when a test runs them, a client whose requests commit.
from tests.exchange.conftest import _fast_passwords, _stored_files, _tasks, client  # noqa: F401
