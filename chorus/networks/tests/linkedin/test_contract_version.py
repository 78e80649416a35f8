"""LinkedIn retires each API version about a year after its release.

This test reads today's real date on purpose: it starts failing once the
pinned version is close to retirement, while there is still time to move.
"""

from datetime import date

from django.conf import settings

# LinkedIn supports a version for at least a year; a month's margin to move.
MAX_AGE_IN_MONTHS = 11


def months_between(version: str, today: date) -> int:
    year, month = int(version[:4]), int(version[4:6])
    return (today.year - year) * 12 + (today.month - month)


def test_contract_the_pinned_linkedin_version_is_recent():
    # The real setting, not the test's pin: it is what production will send.
    pinned = settings.CHORUS_LINKEDIN_VERSION
    age = months_between(pinned, date.today())

    assert age <= MAX_AGE_IN_MONTHS, (
        f"CHORUS_LINKEDIN_VERSION is {pinned}, {age} months old: LinkedIn is about to retire "
        "it. Move to a newer LinkedIn-Version (check the Posts, Images, Reactions and "
        "Comments API migration notes) and update the default in chorus/settings.py."
    )


def test_contract_the_age_of_a_version_counts_months():
    assert months_between("202611", date(2026, 11, 21)) == 0
    assert months_between("202611", date(2027, 10, 1)) == 11
    assert months_between("202611", date(2027, 11, 1)) == 12
