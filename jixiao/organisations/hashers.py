"""The hash of a one-time password.

A one-time password is random (12 characters of 55, some 69 bits), unlike a password a person chooses, so
a lighter key stretch protects it as well while letting a sheet of a few hundred people load in seconds
rather than minutes. At the person's first sign-in Django re-hashes it with the default (Argon2) hasher,
and they must replace it anyway.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class OneTimePasswordHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_onetime"
    iterations = 20_000
