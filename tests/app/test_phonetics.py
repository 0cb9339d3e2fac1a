import pytest

from app.domain.phonetics import (
    ALPHABETS,
    STATE_NAMES,
    PhoneticAlphabet,
    build_announcement,
    normalise_plate,
    spell_plate,
    spoken_plate,
    state_name,
)


def test_apco_spells_letters_and_digits_individually():
    assert spell_plate("ABC123") == ("Adam", "Boy", "Charles", "one", "two", "three")


def test_nato_is_a_setting():
    assert spell_plate("ABC123", PhoneticAlphabet.NATO) == ("Alfa", "Bravo", "Charlie", "one", "two", "three")
    assert spell_plate("xyz", "nato") == ("X-ray", "Yankee", "Zulu")


def test_zero_is_said_zero_never_oh_and_letter_o_is_ocean():
    assert spell_plate("O0") == ("Ocean", "zero")
    assert "oh" not in " ".join(spell_plate("1000000")).lower().split()


def test_apco_alphabet_is_complete_and_exact():
    words = " ".join(ALPHABETS[PhoneticAlphabet.APCO][c] for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    assert words == (
        "Adam Boy Charles David Edward Frank George Henry Ida John King Lincoln Mary Nora Ocean Paul "
        "Queen Robert Sam Tom Union Victor William X-ray Young Zebra"
    )
    assert len(ALPHABETS[PhoneticAlphabet.NATO]) == 26


def test_plate_is_normalised_before_spelling():
    assert normalise_plate(" 7ab-12 3·") == "7AB123"
    assert spoken_plate("7ab 0") == "seven, Adam, Boy, zero"
    assert spoken_plate("--") == ""


@pytest.mark.parametrize(
    ("code", "spoken"),
    [
        ("CA", "California"),
        ("ca", "California"),
        ("DC", "District of Columbia"),
        ("PQ", "Quebec"),
        ("US", "U.S. Government"),
        (None, "state unknown"),
        ("", "state unknown"),
    ],
)
def test_state_code_becomes_state_name(code, spoken):
    assert state_name(code) == spoken


def test_unknown_state_code_is_spelled_not_guessed():
    assert state_name("ZZ") == "state Zebra, Zebra"


def test_every_us_state_is_known():
    assert (
        len(
            [
                c
                for c in STATE_NAMES
                if c not in {"AS", "GU", "MP", "PR", "VI", "US", "MX"}
                and STATE_NAMES[c]
                not in {
                    "Alberta",
                    "British Columbia",
                    "Manitoba",
                    "New Brunswick",
                    "Newfoundland",
                    "Newfoundland and Labrador",
                    "Nova Scotia",
                    "Northwest Territories",
                    "Nunavut",
                    "Ontario",
                    "Prince Edward Island",
                    "Quebec",
                    "Saskatchewan",
                    "Yukon",
                }
            ]
        )
        == 51
    )


def test_announcement_order_is_type_camera_location_plate_state():
    text = build_announcement(
        hit_type="Stolen vehicle", camera="North Gate", location="Main St at 5th", plate="7AB 01", state="CA"
    )
    assert text == (
        "Stolen vehicle hit. Camera North Gate, Main St at 5th. "
        "Plate seven, Adam, Boy, zero, one. California."
    )


def test_announcement_reminder_nato_and_missing_parts():
    text = build_announcement(
        hit_type="",
        camera="Cam 3",
        location="",
        plate="K9",
        state=None,
        alphabet=PhoneticAlphabet.NATO,
        reminder=True,
    )
    assert text == "Reminder, unacknowledged. Hot list hit. Camera Cam 3. Plate Kilo, nine. state unknown."


def test_stray_full_stops_in_free_text_do_not_break_sentences():
    text = build_announcement(
        hit_type="Wanted person.", camera="Cam. 1", location="St. Paul Ave.", plate="A1", state="MN"
    )
    assert text == "Wanted person hit. Camera Cam 1, St Paul Ave. Plate Adam, one. Minnesota."
