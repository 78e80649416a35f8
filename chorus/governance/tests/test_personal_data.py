"""Personal data in texts of the five languages: email, phone, IBAN and card numbers."""

import pytest

from chorus.governance.compliance.engine import RuleKind, RuleSet
from chorus.governance.compliance.personal_data import (
    DataKind,
    find_personal_data,
    iban_is_valid,
    luhn_is_valid,
)
from chorus.governance.tests.helpers import rule


def found(text: str) -> list[tuple[str, str]]:
    return [(item.kind.value, text[item.start : item.end]) for item in find_personal_data(text)]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        # United Kingdom, Wales included
        ("Call me on 07700 900123 after six.", "07700 900123"),
        ("Our Cardiff office: 029 2018 0000.", "029 2018 0000"),
        ("Ffoniwch 029 2018 0000 heddiw.", "029 2018 0000"),
        ("London: 020 7946 0958", "020 7946 0958"),
        ("Mobile +44 7700 900123", "+44 7700 900123"),
        ("Ring +44 (0)20 7946 0958 now", "+44 (0)20 7946 0958"),
        ("Ffoniwch 01970 622 222 am fwy", "01970 622 222"),
        # Germany
        ("Ruf an: 030 12345678", "030 12345678"),
        ("Handy 0151 23456789", "0151 23456789"),
        ("Tel. (030) 1234567", "(030) 1234567"),
        ("Tel. 089/1234567", "089/1234567"),
        ("Tel. 0171-1234567", "0171-1234567"),
        ("International +49 30 12345678", "+49 30 12345678"),
        ("Oder 0049 151 23456789", "0049 151 23456789"),
        # Finland
        ("Soita 040 123 4567 huomenna", "040 123 4567"),
        ("Puhelin 09 1234 5678", "09 1234 5678"),
        ("Numero 050-1234567", "050-1234567"),
        ("Ulkomailta +358 40 123 4567", "+358 40 123 4567"),
        # Poland
        ("Zadzwoń: 601 234 567", "601 234 567"),
        ("Tel. 601-234-567", "601-234-567"),
        ("Biuro (22) 123 45 67", "(22) 123 45 67"),
        ("Z zagranicy +48 601 234 567", "+48 601 234 567"),
        # elsewhere
        ("Call +1 415 555 0100", "+1 415 555 0100"),
    ],
)
def test_phone_numbers_in_national_and_international_formats(text, number):
    assert found(text) == [("phone", number)]


@pytest.mark.parametrize(
    "text",
    [
        "Join us on 21.11.2026 at 10:30",
        "From 2020-2025 we grew",
        "Version 2.3.1 is out",
        "We raised 1.000.000 euros",
        "Nakład 100 000 000 egzemplarzy",
        "ul. Marszałkowska, 00-950 Warszawa",
        "Mannerheimintie 1, 00100 Helsinki",
        "Order 123456789 shipped",
        "Call 0800 123",
    ],
)
def test_dates_amounts_postcodes_and_order_numbers_are_no_phone_numbers(text):
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Write to anna.kowalska@firma.pl today", "anna.kowalska@firma.pl"),
        ("Schreib an Jürgen.Müller@beispiel.de", "Jürgen.Müller@beispiel.de"),
        ("Lähetä: matti+uutiset@yritys.fi.", "matti+uutiset@yritys.fi"),
        ("Anfonwch at cyswllt@enghraifft.cymru", "cyswllt@enghraifft.cymru"),
    ],
)
def test_email_addresses(text, address):
    assert found(text) == [("email", address)]


def test_a_fediverse_handle_is_no_email_address():
    assert found("Follow @ana@mastodon.social and me@x") == []


@pytest.mark.parametrize(
    "iban",
    [
        "DE89 3704 0044 0532 0130 00",
        "DE89370400440532013000",
        "GB82 WEST 1234 5698 7654 32",
        "FI21 1234 5600 0007 85",
        "PL61 1090 1014 0000 0712 1981 2874",
        "gb82west12345698765432",
    ],
)
def test_ibans_with_a_good_checksum_are_personal_data(iban):
    assert iban_is_valid(iban)
    assert found(f"Pay to {iban} please") == [("iban", iban)]


@pytest.mark.parametrize(
    "iban",
    [
        "DE89 3704 0044 0532 0130 01",
        "GB82 WEST 1234 5698 7654 33",
        "FI21 1234 5600 0007 86",
        "PL61 1090 1014 0000 0712 1981 2875",
    ],
)
def test_an_iban_with_a_bad_checksum_is_not_personal_data(iban):
    assert not iban_is_valid(iban)
    # ... nor are its digits taken for a phone number.
    assert found(f"Pay to {iban} please") == []


@pytest.mark.parametrize(
    "number", ["4111 1111 1111 1111", "5555-5555-5555-4444", "378282246310005", "4012888888881881"]
)
def test_card_numbers_passing_the_luhn_check(number):
    assert luhn_is_valid(number.replace(" ", "").replace("-", ""))
    assert found(f"Card: {number}.") == [("card", number)]


@pytest.mark.parametrize(
    "number", ["4111 1111 1111 1112", "5555-5555-5555-4445", "1234567812345678"]
)
def test_card_shaped_numbers_failing_the_luhn_check_are_not(number):
    assert found(f"Card: {number}.") == []


def test_a_rule_reports_only_the_kinds_it_is_for():
    text = "Mail anna@firma.pl or call 040 123 4567"
    only_phones = rule(RuleKind.PERSONAL_DATA, {"detect": ["phone"]})

    result = RuleSet([only_phones]).check(text, network="linkedin")

    assert [(f.detail["data"], text[f.start : f.end]) for f in result.findings] == [
        ("phone", "040 123 4567")
    ]


def test_findings_name_the_kind_of_data_never_the_data():
    result = RuleSet([rule(RuleKind.PERSONAL_DATA, {"detect": list(DataKind)})]).check(
        "anna@firma.pl", network="linkedin"
    )

    logged = result.findings[0].as_log()
    assert "anna" not in repr(logged)
    assert logged["detail"] == {"data": "email"}
    assert result.findings[0].message == "This looks like an email address."
