import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The personas are made with create_user: PBKDF2 costs ~0.7 s per persona on this machine.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
