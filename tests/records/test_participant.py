"""Records are pseudonymous: only the clinic's participant code is accepted, never an identifying value."""

from __future__ import annotations

import sqlite3

import pytest

from tests.records.sessions import SESSION
from xrapp.records import ParticipantCodeError, RecordError, RecordStore, check_participant_code


@pytest.mark.parametrize(
    ("code", "looks_like"),
    [
        ("kim.minji@example.com", "e-mail"),
        ("minji(at)example.com", "e-mail"),
        ("010-1234-5678", "phone"),
        ("01012345678", "phone"),
        ("+82 10 1234 5678", "phone"),
        ("+82-10-1234-5678", "phone"),
        ("(02) 123-4567", "phone"),
        ("MRI-010-9876-5432", "phone"),
        ("900101-1234567", "resident registration"),
        ("9001011234567", "resident registration"),
        ("MRI-151231-4123456", "resident registration"),
        ("P123456789", "9 or more digits"),
    ],
)
def test_identifying_values_are_refused_with_a_pointer_to_the_clinic_code(code, looks_like):
    with pytest.raises(ParticipantCodeError) as error:
        check_participant_code(code)
    message = str(error.value)
    assert looks_like in message
    assert "clinic's pseudonymous participant code" in message


@pytest.mark.parametrize("code", ["ab", "a" * 33, "-MRI1", "MRI-", "MRI 0042", "김민지", "MRI_0042", ""])
def test_malformed_codes_are_refused_with_the_rule(code):
    with pytest.raises(ParticipantCodeError, match="3 to 32 letters"):
        check_participant_code(code)


@pytest.mark.parametrize("code", ["MRI-0042", "abc", "P-2026-11-23-001", "BIRTH-KO-17", "A" * 32, "x9z", "12345678"])
def test_clinic_codes_are_accepted(code):
    assert check_participant_code(f"  {code} ") == code


def test_a_refused_code_records_nothing(tmp_path):
    path = tmp_path / "records.sqlite"
    with RecordStore(path) as store:
        with pytest.raises(RecordError, match="phone number"):
            store.open_session(**{**SESSION, "participant": "010-1234-5678"})
        assert store.sessions() == []
    assert sqlite3.connect(path).execute("SELECT count(*) FROM sessions").fetchone()[0] == 0
