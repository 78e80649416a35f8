"""Personal data in a text: email addresses, phone numbers, IBANs and payment card numbers.

Detectors run in a fixed order and each claims the characters it recognised, so
the digits of an IBAN or a card number are never reported again as a phone number.
An IBAN-shaped string with a bad mod-97 checksum, or a card-shaped number failing
the Luhn check, is claimed but not reported: it is not personal data.

Phone numbers are found in the national formats of the United Kingdom (Wales
included), Germany and Finland (a trunk 0 and 9 to 12 digits: 07700 900123,
029 2018 0000, 030 12345678, 0151 23456789, 040 123 4567, 09 1234 5678), of Poland
(9 digits grouped as 601 234 567, 601-234-567 or 22 123 45 67), and in the
international form +CC or 00CC with 8 to 15 digits (+44 (0)20 7946 0958).
Known limits: very short national numbers (fewer than 9 digits) and Polish numbers
written as 9 digits without any spaces are not found; they are too easily order
numbers or amounts.
"""

import re
from dataclasses import dataclass
from enum import StrEnum


class DataKind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    IBAN = "iban"
    CARD = "card"


@dataclass(frozen=True, slots=True)
class Found:
    kind: DataKind
    start: int
    end: int


EMAIL = re.compile(
    # Not after "@": "@ana@mastodon.social" is a fediverse handle, not an address.
    r"(?<![\w.@+-])[\w.+-]+@[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)*\.[^\W\d_]{2,}(?![\w-])"
)
IBAN_START = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2})(\d{2})")
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
    "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip
CARD = re.compile(r"(?<![\d+])\d(?:[ -]?\d){12,18}(?![\d])")
PHONE = re.compile(r"(?<![\w+])(?:\+ ?|00)?(?:\(\d{1,5}\)|\d)(?:[ \-./]?(?:\(\d{1,5}\)|\d))*")
PHONE_GROUPS = re.compile(r"\d+")
# Polish numbers have no trunk 0: mobiles 601 234 567, landlines (area code first) 22 123 45 67.
MOBILE_GROUPING = (3, 3, 3)
POLISH_MOBILE_STARTS = frozenset("45678")
POLISH_LANDLINE_GROUPINGS = ((2, 3, 2, 2), (2, 3, 4))


def iban_is_valid(iban: str) -> bool:
    """The ISO 13616 mod-97 check: the rearranged number, letters as 10 to 35, leaves 1."""
    iban = iban.replace(" ", "").upper()
    if len(iban) < 15 or not iban.isalnum():
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _iban_end(text: str, start: int, length: int) -> int | None:
    """Where an IBAN of ``length`` characters starting at ``start`` ends, if it is one."""
    position, count = start, 0
    while count < length and position < len(text):
        char = text[position]
        if char.isascii() and char.isalnum():
            count += 1
            position += 1
        elif char == " " and position + 1 < len(text) and text[position + 1].isalnum():
            position += 1
        else:
            break
    if count < length:
        return None
    if position < len(text) and text[position].isalnum():
        return None
    return position


def _ibans(text: str) -> list[tuple[Found, bool]]:
    found = []
    for match in IBAN_START.finditer(text):
        length = IBAN_LENGTHS.get(match[1].upper())
        if length is None:
            continue
        end = _iban_end(text, match.start(), length)
        if end is not None:
            valid = iban_is_valid(text[match.start() : end])
            found.append((Found(DataKind.IBAN, match.start(), end), valid))
    return found


def _cards(text: str) -> list[tuple[Found, bool]]:
    found = []
    for match in CARD.finditer(text):
        number = match.group()
        if " " in number and "-" in number:
            continue
        digits = re.sub(r"\D", "", number)
        if digits[0] not in "23456":
            continue
        found.append((Found(DataKind.CARD, match.start(), match.end()), luhn_is_valid(digits)))
    return found


def phone_is_valid(number: str) -> bool:
    international = number.startswith(("+", "00"))
    digits = "".join(PHONE_GROUPS.findall(number.replace("(0)", "")))
    if international:
        digits = digits.removeprefix("00")
        if digits.startswith("44"):
            return 9 <= len(digits) - 2 <= 10
        if digits.startswith("48"):
            return len(digits) - 2 == 9
        return 8 <= len(digits) <= 15
    if digits.startswith("0"):
        return digits[1:2] not in ("", "0") and 9 <= len(digits) <= 12
    groups = tuple(len(group) for group in PHONE_GROUPS.findall(number))
    if groups == MOBILE_GROUPING:
        return digits[0] in POLISH_MOBILE_STARTS
    return groups in POLISH_LANDLINE_GROUPINGS


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def find_personal_data(text: str) -> list[Found]:
    """Every piece of personal data in ``text``, in order of appearance."""
    taken: list[tuple[int, int]] = []
    reported: list[Found] = []

    def claim(found: Found, *, report: bool) -> None:
        taken.append((found.start, found.end))
        if report:
            reported.append(found)

    for match in EMAIL.finditer(text):
        claim(Found(DataKind.EMAIL, match.start(), match.end()), report=True)
    for found, valid in _ibans(text):
        if not _overlaps((found.start, found.end), taken):
            claim(found, report=valid)
    phones = [m for m in PHONE.finditer(text) if not _overlaps(m.span(), taken)]
    for match in phones:
        if match.group().startswith(("+", "00")) and phone_is_valid(match.group()):
            claim(Found(DataKind.PHONE, match.start(), match.end()), report=True)
    for found, valid in _cards(text):
        if not _overlaps((found.start, found.end), taken):
            claim(found, report=valid)
    for match in phones:
        if not _overlaps(match.span(), taken) and phone_is_valid(match.group()):
            claim(Found(DataKind.PHONE, match.start(), match.end()), report=True)
    return sorted(reported, key=lambda found: found.start)
