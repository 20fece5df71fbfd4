import pytest

from ep_parking.lib.plate import is_unplated, is_valid_plate, join_plate, normalize_plate, unplated_plate


@pytest.mark.parametrize("typed, stored", [
    ("粤B·12345", "粤B12345"),
    (" 粤 b12345 ", "粤B12345"),
    ("粤Ｂ１２３４５", "粤B12345"),
    ("京A-D1234", "京AD1234"),
    ("", ""),
    (None, ""),
])
def test_normalize_plate(typed, stored):
    assert normalize_plate(typed) == stored


@pytest.mark.parametrize("plate", ["粤B12345", "京AD12345", "沪A12345D", "粤B1234学", "粤Z1234港", "EP12345"])
def test_valid_plates(plate):
    assert is_valid_plate(plate)


@pytest.mark.parametrize("plate", ["B12345", "粤I12345", "粤B1234", "粤B1234567", "粤BO1234", "XX12345", "粤B12学34"])
def test_invalid_plates(plate):
    assert not is_valid_plate(plate)


def test_unplated_plate_uses_last_five_phone_digits():
    assert unplated_plate("138-0013-8000") == "EP38000"
    assert is_unplated(unplated_plate(13800138000))
    assert not is_valid_plate("EP38000", allow_unplated=False)


@pytest.mark.parametrize("phone", [None, "", "1234", "abc"])
def test_unplated_plate_needs_a_phone(phone):
    with pytest.raises(ValueError):
        unplated_plate(phone)


@pytest.mark.parametrize("province, rest, plate", [
    ("粤", "b12345", "粤B12345"),          # picked province + typed rest
    ("京", "A·D1234 5", "京AD12345"),       # separators and spaces go
    ("粤", "京A12345", "京A12345"),         # a whole plate typed wins over the picker
    ("粤", "EP12345", "EP12345"),           # unplated pseudo plates stay as typed
    ("X", "B12345", "B12345"),              # not a province: ignored (the plate is then invalid)
    ("粤", "", ""),
    (None, "ｂ１２３４５", "B12345"),
])
def test_join_plate(province, rest, plate):
    assert join_plate(province, rest) == plate


def test_joined_plate_is_valid_only_with_a_province():
    assert is_valid_plate(join_plate("粤", "B12345"))
    assert not is_valid_plate(join_plate("", "B12345"))
