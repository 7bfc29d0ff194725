"""Tests for placement.network.cvr (pure, no app fixture)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from placement.network.cvr import (
    CVR_CHECKSUM_MESSAGE,
    CVR_LENGTH_MESSAGE,
    cvr_error,
    make_valid_cvr,
    normalise_cvr,
)

# Real, publicly registered CVR numbers (Novo Nordisk, A.P. Møller - Mærsk, Carlsberg, Danske Bank).
KNOWN_VALID = ["24256790", "22756214", "61056416", "61126228"]


@pytest.mark.parametrize("cvr", KNOWN_VALID)
def test_known_valid_numbers(cvr: str) -> None:
    assert cvr_error(cvr) is None


@pytest.mark.parametrize("cvr", ["24 25 67 90", " 24256790 ", "2425 6790", "24\u00a025\t67 90"])
def test_spaces_are_tolerated(cvr: str) -> None:
    assert cvr_error(cvr) is None


def test_normalise_cvr_removes_spaces() -> None:
    assert normalise_cvr("12 34 56 78") == "12345678"
    assert normalise_cvr(" 1234 5678\n") == "12345678"


@pytest.mark.parametrize(
    "cvr",
    [
        "",
        "   ",
        "1234567",
        "123456789",
        "2425679",
        "242567900",
        "2425679O",
        "DK24256790",
        "abcdefgh",
        "24-25-67-90",
        "２４２５６７９０",
        "2425679²",
    ],
)
def test_wrong_length_or_non_digits(cvr: str) -> None:
    assert cvr_error(cvr) == CVR_LENGTH_MESSAGE


@pytest.mark.parametrize("cvr", ["24256791", "24256780", "12345678", "22756241", "11111111"])
def test_checksum_failure(cvr: str) -> None:
    assert cvr_error(cvr) == CVR_CHECKSUM_MESSAGE


def test_leading_zero_is_rejected_even_if_sum_divisible() -> None:
    # 0*2 + 0*7 + ... = 0, divisible by 11, but the first digit may not be 0.
    assert cvr_error("00000000") == CVR_CHECKSUM_MESSAGE
    assert cvr_error("01000004") == CVR_CHECKSUM_MESSAGE  # 1*7 + 4*1 = 11


def test_messages_are_english_constants() -> None:
    assert CVR_LENGTH_MESSAGE == "CVR number must be exactly 8 digits"
    assert CVR_CHECKSUM_MESSAGE == "CVR number fails the modulus-11 check"


@pytest.mark.parametrize("cvr", KNOWN_VALID)
def test_make_valid_cvr_reproduces_known_numbers(cvr: str) -> None:
    assert make_valid_cvr(int(cvr[:7])) == cvr


def test_make_valid_cvr_raises_when_check_digit_would_be_10() -> None:
    # 1000005: 1*2 + 5*2 = 12, so the check digit would have to be -12 % 11 = 10.
    with pytest.raises(ValueError):
        make_valid_cvr(1_000_005)
    assert make_valid_cvr(1_000_004) == "10000041"  # 2 + 8 = 10 -> check digit 1


@pytest.mark.parametrize("seed", [0, 999_999, 10_000_000, -1_234_567])
def test_make_valid_cvr_rejects_out_of_range_seed(seed: int) -> None:
    with pytest.raises(ValueError):
        make_valid_cvr(seed)


@given(st.integers(min_value=1_000_000, max_value=9_999_999))
def test_make_valid_cvr_is_valid_or_raises(seed: int) -> None:
    try:
        cvr = make_valid_cvr(seed)
    except ValueError:
        return
    assert cvr_error(cvr) is None
    assert cvr.startswith(str(seed))
    assert len(cvr) == 8


@given(st.integers(min_value=1_000_000, max_value=9_999_999), st.integers(min_value=1, max_value=9))
def test_changing_one_check_digit_breaks_validity(seed: int, delta: int) -> None:
    try:
        cvr = make_valid_cvr(seed)
    except ValueError:
        return
    broken = cvr[:7] + str((int(cvr[7]) + delta) % 10)
    assert cvr_error(broken) == CVR_CHECKSUM_MESSAGE
