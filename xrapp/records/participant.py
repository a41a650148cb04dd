"""Participant codes: the only thing a record says about who took part.

Records are pseudonymous (Korea's PIPA lets pseudonymised data serve research and statistics; raw identifiers must
not be in them). A code is what the clinic's own register gives the person, e.g. ``MRI-0042``: 3 to 32 ASCII letters,
digits and '-'. Whatever looks like an e-mail address, a phone number or a Korean resident registration number is
refused with a message that says to use that code instead.
"""

from __future__ import annotations

import re

from xrapp.records.errors import RecordError

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{1,30}[A-Za-z0-9]")
_EMAIL = re.compile(r"\S+@\S+|\S+\s*(\(at\)|\[at\])\s*\S+", re.IGNORECASE)
# YYMMDD-GNNNNNN: birth date, then a digit 1-8 for century/sex (9 and 0 for births before 1900), then six more.
_RRN = re.compile(r"(?<!\d)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\s*-?\s*[0-9]\d{6}(?!\d)")
# Korean mobile numbers, written with or without separators, with the 0 or with +82: 010-1234-5678, +82 10 1234 5678.
_MOBILE = re.compile(r"(?<!\d)(?:\+?82[\s-]?|0)1[016789][\s.-]?\d{3,4}[\s.-]?\d{4}(?!\d)")
_NUMBER_ONLY = re.compile(r"\+?[\d\s\-.()]+")
_LONG_NUMBER = re.compile(r"\d{9,}")

CODE_RULE = "3 to 32 letters (A-Z, a-z), digits and '-', starting and ending with a letter or digit, e.g. MRI-0042"


class ParticipantCodeError(RecordError, ValueError):
    """A participant code was refused; the message says why and what to give instead."""


def _refuse(code: str, looks_like: str) -> ParticipantCodeError:
    return ParticipantCodeError(
        f"participant code {code!r} looks like {looks_like}: records must not identify the person. Use the "
        f"clinic's pseudonymous participant code ({CODE_RULE}); nothing was recorded."
    )


def check_participant_code(code: str) -> str:
    """``code`` with surrounding spaces removed, if it is a pseudonymous participant code; else
    :class:`ParticipantCodeError` saying what it looks like and what to give instead."""
    if not isinstance(code, str):
        raise ParticipantCodeError(f"participant code must be text ({CODE_RULE}), not {type(code).__name__}")
    code = code.strip()
    if _EMAIL.search(code):
        raise _refuse(code, "an e-mail address")
    if _RRN.search(code):
        raise _refuse(code, "a resident registration number")
    # Phone numbers come written in many ways (010-1234-5678, +82 10 1234 5678, (02) 123-4567). A code made of
    # nothing but 9 or more digits and separators is one; so is a run of 9 digits anywhere. Clinic codes keep their
    # numbers shorter, and may contain dates with separators (MRI-2026-11-23-01).
    if _MOBILE.search(code) or (_NUMBER_ONLY.fullmatch(code) and sum(c.isdigit() for c in code) >= 9):
        raise _refuse(code, "a phone number")
    if _LONG_NUMBER.search(code):
        raise _refuse(code, "a personal number (9 or more digits in a row)")
    if not _CODE.fullmatch(code):
        raise ParticipantCodeError(
            f"participant code {code!r} is not a pseudonymous code: give the clinic's code, {CODE_RULE}"
        )
    return code
