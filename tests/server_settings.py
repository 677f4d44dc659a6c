"""Settings of the app servers and worker the PostgreSQL tests start as processes of their own
(tests/appservers.py): production's settings (DEBUG off, secure cookies, the real middleware),
with only the password hasher of the test suite, so that the users a test creates can sign in
and re-enter their password at approval without a second of hashing each."""

from formsvc.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
