from hypothesis import given
from hypothesis import strategies as st

from dukcapil.applications import tracking


def test_new_numbers_are_valid_and_readable():
    number = tracking.new_tracking_number()
    assert len(number) == 9
    assert tracking.normalise(number) == number
    assert tracking.normalise(tracking.display(number).lower()) == number


@given(st.integers(min_value=0, max_value=8), st.sampled_from(tracking.ALPHABET))
def test_any_single_wrong_character_is_caught(position, replacement):
    number = tracking.new_tracking_number()
    if number[position] == replacement:
        return
    typo = number[:position] + replacement + number[position + 1 :]
    assert tracking.normalise(typo) is None


@given(st.integers(min_value=0, max_value=7))
def test_swapping_two_neighbours_is_caught(position):
    number = tracking.new_tracking_number()
    a, b = number[position], number[position + 1]
    swapped = number[:position] + b + a + number[position + 2 :]
    # Luhn mod N misses exactly one pair of neighbours whose values sum to N - 1.
    values = tracking.ALPHABET.index(a) + tracking.ALPHABET.index(b)
    if a == b or values == len(tracking.ALPHABET) - 1:
        return
    assert tracking.normalise(swapped) is None


def test_letters_people_confuse_are_read_as_digits():
    number = "0" + tracking.new_tracking_number()[1:]
    # recompute a valid number starting with zero
    body = "0" + number[1:8]
    valid = body + tracking._check_character(body)
    assert tracking.normalise("o" + valid[1:]) == valid


def test_wrong_length_or_alphabet_is_not_a_number():
    assert tracking.normalise("") is None
    assert tracking.normalise("ABC") is None
    assert tracking.normalise("ABCDEFGH!") is None
