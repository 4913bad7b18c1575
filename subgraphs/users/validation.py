"""Input rules for account fields (emails, names)."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from subgraphs.kit.errors import BadInput
from subgraphs.users.errors import InvalidEmail

MAX_NAME_LENGTH = 100


def normalise_email(email: str) -> str:
    """The canonical, lower-case form of a valid address: what is stored and compared.

    Deliverability (DNS) is not checked: registration must not depend on the network.
    """
    try:
        checked = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidEmail(f"Not a valid email address: {error}") from error
    return checked.normalized.lower()


def clean_name(value: str, *, field: str) -> str:
    name = value.strip()
    if not name:
        raise BadInput(f"{field} must not be empty.", field=field)
    if len(name) > MAX_NAME_LENGTH:
        raise BadInput(f"{field} must be at most {MAX_NAME_LENGTH} characters.", field=field)
    return name
