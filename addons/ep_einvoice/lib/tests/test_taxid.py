import pytest

from ep_einvoice.lib.taxid import is_valid_tax_id, is_valid_uscc, normalize_tax_id, uscc_check_char

# The worked example of GB 32100-2015's check character.
SAMPLE = "91350100M000100Y43"


def test_sample_credit_code_checks():
    assert uscc_check_char(SAMPLE[:17]) == "3"
    assert is_valid_uscc(SAMPLE)
    assert is_valid_uscc(" 91350100m000100y43 ")


@pytest.mark.parametrize("code", [
    "91350100M000100Y44",   # wrong check character
    "91350100M000100I43",   # I is not in the charset
    "91350100M000100Y4",    # too short
])
def test_bad_credit_codes(code):
    assert not is_valid_uscc(code)


def test_an_18_character_number_must_pass_the_check():
    assert not is_valid_tax_id("91350100M000100Y44")


@pytest.mark.parametrize("code", ["440301123456789", "44030112345678901", "44030112345678901234"])
def test_legacy_numbers_are_accepted(code):
    assert is_valid_tax_id(code)


@pytest.mark.parametrize("code", ["", None, "1234", "4403011234567890"])
def test_other_lengths_are_refused(code):
    assert not is_valid_tax_id(code)


def test_normalize():
    assert normalize_tax_id("9135-0100 m000100y43") == SAMPLE
