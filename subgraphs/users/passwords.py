"""Password rules and bcrypt hashing.

bcrypt only reads the first 72 bytes of a password; longer ones are refused
rather than silently truncated. Hashing is CPU-bound (about a quarter second at
cost 12), so it runs in a worker thread, never on the event loop.
"""

from __future__ import annotations

import asyncio

import bcrypt

from subgraphs.users.errors import InvalidPassword

MIN_PASSWORD_CHARACTERS = 8
MAX_PASSWORD_BYTES = 72


def check_password_rules(password: str, *, field: str = "password") -> bytes:
    """The password's UTF-8 bytes, once it meets the length rules."""
    if len(password) < MIN_PASSWORD_CHARACTERS:
        raise InvalidPassword(
            f"Password must be at least {MIN_PASSWORD_CHARACTERS} characters long.",
            field=field,
            reason="too_short",
        )
    encoded = password.encode("utf-8")
    if len(encoded) > MAX_PASSWORD_BYTES:
        raise InvalidPassword(
            f"Password must be at most {MAX_PASSWORD_BYTES} bytes in UTF-8 "
            f"(this one is {len(encoded)}); characters outside ASCII take 2 to 4 bytes.",
            field=field,
            reason="too_long",
        )
    return encoded


async def hash_password(password: str, *, rounds: int) -> str:
    encoded = check_password_rules(password)
    hashed = await asyncio.to_thread(bcrypt.hashpw, encoded, bcrypt.gensalt(rounds))
    return hashed.decode("ascii")


async def password_matches(password: str, password_hash: str) -> bool:
    encoded = password.encode("utf-8")
    if len(encoded) > MAX_PASSWORD_BYTES:
        return False  # no stored password can be this long
    return await asyncio.to_thread(bcrypt.checkpw, encoded, password_hash.encode("ascii"))


def hash_cost(password_hash: str) -> int:
    """The bcrypt cost a hash was made with (`$2b$<cost>$...`)."""
    return int(password_hash.split("$")[2])


# Checked against when the email is unknown, so a failed login costs the same
# time either way and does not reveal which emails have accounts.
_UNKNOWN_USER_HASHES: dict[int, str] = {}


async def burn_password_check(password: str, *, rounds: int) -> None:
    if rounds not in _UNKNOWN_USER_HASHES:
        salt = bcrypt.gensalt(rounds)
        hashed = await asyncio.to_thread(bcrypt.hashpw, b"no such user", salt)
        _UNKNOWN_USER_HASHES[rounds] = hashed.decode("ascii")
    await password_matches(password, _UNKNOWN_USER_HASHES[rounds])
