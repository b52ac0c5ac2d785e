import pytest

from tests.exchange import queues


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The personas' passwords are hashed with PBKDF2 otherwise: most of these tests' time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _stored_files(settings, tmp_path):
    # Each test's uploads in a storage folder of its own.
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _tasks(settings):
    # Tasks are stored, and run only when a test calls queues.work().
    settings.TASKS = queues.DUMMY


@pytest.fixture
def client():
    return queues.CommittingClient()


@pytest.fixture(params=["db", "rq"])
def queue(request, settings):
    """The import jobs' tests on the database backend and on the RQ backend."""
    queues.use(request.param, settings)
    yield request.param
    if request.param == "rq":
        queues.flush_redis()
