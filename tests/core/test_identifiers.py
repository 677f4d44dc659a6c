"""A-numbers: typed in every shape found on paper, stored as ``A`` + nine digits (DESIGN.md §7)."""

import re

import pytest
from django.core.exceptions import ValidationError

from elections.identifiers import (
    A_NUMBER_PATTERN,
    format_a_number,
    normalize_a_number,
    normalize_optional_a_number,
)


@pytest.mark.parametrize(
    "typed",
    [
        "A012345678",
        "A-012-345-678",
        "A 012 345 678",
        "a012345678",
        "a-012 345-678",
        "012345678",
        "012-345-678",
        "  A012345678  ",
        "A012.345/678",
    ],
)
def test_dashes_spaces_and_a_lowercase_a_are_normalised_away(typed):
    assert normalize_a_number(typed) == "A012345678"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("12345678", "A012345678"), ("A12345678", "A012345678"), ("a 98-765-432", "A098765432")],
)
def test_eight_digits_get_a_leading_zero(typed, stored):
    assert normalize_a_number(typed) == stored


def test_nine_digits_keep_their_first_digit():
    assert normalize_a_number("A212345678") == "A212345678"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "A",
        "A1234567",  # seven digits
        "A1234567890",  # ten digits
        "B012345678",
        "A01234567X",
        "AA012345678",
        "A012_345_678",
        "٠١٢٣٤٥٦٧٨",  # Arabic-Indic digits are digits, but not an A-number
    ],
)
def test_bad_input_raises_a_validation_error_that_shows_what_was_typed(typed):
    with pytest.raises(ValidationError) as caught:
        normalize_a_number(typed)
    error = caught.value
    assert error.code == "a_number_format"
    message = error.messages[0]
    assert "A012345678" in message
    assert f"“{typed}”" in message


@pytest.mark.parametrize(
    "typed",
    [
        "A012\u200b345678",  # a zero-width space pasted in
        "\u202aA012-345-678\u202c",  # bidi embedding from a copied document
        "\ufeffA012345678",  # a byte-order mark from a file
        "Ａ０１２３４５６７８",  # fullwidth, from a phone keyboard
        "ａ０１２－３４５－６７８",
        "A012–345—678",  # en and em dashes from a word processor
        "A012\u00a0345\u3000678",  # no-break and ideographic spaces
    ],
)
def test_invisible_characters_fullwidth_digits_and_any_dash_are_read(typed):
    assert normalize_a_number(typed) == "A012345678"


def test_the_refusal_shows_what_was_typed_without_its_invisible_characters():
    with pytest.raises(ValidationError) as caught:
        normalize_a_number("\u202eA01\u200b2")
    assert "“A012”" in caught.value.messages[0]


@pytest.mark.parametrize("typed", [None, "", "   ", "\u200b", "\u3164\u2060"])
def test_an_optional_a_number_that_looks_empty_is_not_known(typed):
    assert normalize_optional_a_number(typed) is None


@pytest.mark.parametrize("typed", ["\u2800-", "A12", "N/A"])
def test_an_optional_a_number_that_shows_something_must_be_a_real_one(typed):
    with pytest.raises(ValidationError):
        normalize_optional_a_number(typed)


def test_none_is_refused_like_an_empty_field():
    with pytest.raises(ValidationError):
        normalize_a_number(None)


@pytest.mark.parametrize("typed", ["A-012-345-678", "12345678", "a 212 345 678"])
def test_every_normalised_a_number_matches_the_stored_pattern(typed):
    assert re.match(A_NUMBER_PATTERN, normalize_a_number(typed))


def test_a_stored_a_number_is_printed_with_dashes():
    assert format_a_number("A012345678") == "A012-345-678"


@pytest.mark.parametrize("value", ["", "12345", "A12"])
def test_a_value_that_is_not_a_stored_a_number_is_printed_as_it_is(value):
    assert format_a_number(value) == value
