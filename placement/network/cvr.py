"""Danish CVR number validation (pure: no Flask or ORM imports)."""

from __future__ import annotations

import re

CVR_LENGTH_MESSAGE = "CVR number must be exactly 8 digits"
CVR_CHECKSUM_MESSAGE = "CVR number fails the modulus-11 check"

WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)
_EIGHT_DIGITS = re.compile(r"[0-9]{8}")


def normalise_cvr(value: str) -> str:
    """Return the CVR number with all whitespace removed ("12 34 56 78" -> "12345678")."""
    return "".join(value.split())


def _weighted_sum(digits: str) -> int:
    """Return the modulus-11 weighted sum of a digit string (weights aligned from the left)."""
    return sum(int(d) * w for d, w in zip(digits, WEIGHTS[: len(digits)], strict=True))


def cvr_error(value: str) -> str | None:
    """Return None if value is a valid CVR number, else one of the English message constants."""
    cvr = normalise_cvr(value)
    if not _EIGHT_DIGITS.fullmatch(cvr):
        return CVR_LENGTH_MESSAGE
    if cvr[0] == "0" or _weighted_sum(cvr) % 11:
        return CVR_CHECKSUM_MESSAGE
    return None


def make_valid_cvr(seed7: int) -> str:
    """Return a valid CVR number for a 7-digit prefix; ValueError if out of range or no check digit fits."""
    if not 1_000_000 <= seed7 <= 9_999_999:
        raise ValueError(f"seed7 must be between 1000000 and 9999999, got {seed7}")
    prefix = str(seed7)
    check = -_weighted_sum(prefix) % 11  # check-digit weight is 1
    if check == 10:
        raise ValueError(f"no check digit makes {prefix} a valid CVR number")
    return f"{prefix}{check}"
