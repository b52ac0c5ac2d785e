import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The personas' passwords are hashed with PBKDF2 otherwise: most of these tests' time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
