"""The email digest of new activities: due by each member's own clock, once per period."""

from datetime import UTC, datetime, timedelta

import pytest

from chorus.campaigns.models import Activity, ActivityKind, Campaign, CampaignState
from chorus.conftest import make_member, smtp_mailers
from chorus.core.scheduler import registered_jobs
from chorus.notifications import services
from chorus.notifications.digest import digest_period_start, zone_named
from chorus.notifications.models import (
    DigestFrequency,
    DigestPreference,
    Notification,
    NotificationKind,
)
from chorus.orgs.roles import Role
from chorus.orgs.services import deactivate_member
from chorus.sharing.feed import offer_campaign
from chorus.sharing.models import ProgrammeConsent

# Monday 2 March 2026. Helsinki is UTC+2 then, New York UTC-5.
MONDAY = datetime(2026, 3, 2, tzinfo=UTC)
HELSINKI = "Europe/Helsinki"
NEW_YORK = "America/New_York"


def at(day: datetime, hour: int, minute: int = 0) -> datetime:
    return day + timedelta(hours=hour, minutes=minute)


def in_zone(member, zone: str):
    member.user.time_zone = zone
    member.user.save(update_fields=["time_zone"])
    return member


def wants(member, frequency: str):
    DigestPreference.objects.update_or_create(member=member, defaults={"frequency": frequency})
    return member


def offer(member, *, name: str = "Spring launch", campaign: int = 1, count: int = 3):
    return services.notify(
        member=member,
        kind=NotificationKind.NEW_ACTIVITIES,
        params={"campaign": campaign, "name": name, "count": count},
        url="/o/acme/",
    )


@pytest.fixture
def erin(employee):
    return in_zone(employee, HELSINKI)


@pytest.mark.parametrize(
    ("frequency", "moment", "due"),
    [
        # Weekly: Monday from 08:00 local (06:00 UTC in Helsinki).
        (DigestFrequency.WEEKLY, at(MONDAY, 6, 0), True),
        (DigestFrequency.WEEKLY, at(MONDAY, 5, 59), False),
        (DigestFrequency.WEEKLY, at(MONDAY, 21, 59), True),
        (DigestFrequency.WEEKLY, at(MONDAY, 22, 0), False),  # Tuesday 00:00 in Helsinki
        (DigestFrequency.WEEKLY, at(MONDAY + timedelta(days=3), 9), False),
        # Daily: any day from 08:00 local.
        (DigestFrequency.DAILY, at(MONDAY + timedelta(days=1), 6, 0), True),
        (DigestFrequency.DAILY, at(MONDAY + timedelta(days=1), 5, 59), False),
        (DigestFrequency.DAILY, at(MONDAY + timedelta(days=5), 12), True),
        (DigestFrequency.OFF, at(MONDAY, 9), False),
    ],
)
def test_period_start_by_local_time(frequency, moment, due):
    start = digest_period_start(frequency=frequency, zone=zone_named(HELSINKI), now=moment)

    assert (start is not None) == due
    if start is not None:
        assert start.astimezone(zone_named(HELSINKI)).hour == 8


def test_unknown_zone_counts_as_utc():
    start = digest_period_start(
        frequency=DigestFrequency.DAILY, zone=zone_named("Mars/Olympus"), now=at(MONDAY, 8, 30)
    )

    assert start == at(MONDAY, 8)


def test_weekly_by_default_on_monday_morning(erin, smtp):
    first = offer(erin, name="Spring launch", campaign=1, count=3)
    second = offer(erin, name="Hiring week", campaign=2, count=1)

    sent = services.send_due_digests(now=at(MONDAY, 6, 30))

    assert sent == 1
    assert len(smtp.mailbox.messages) == 1
    message = smtp.mailbox.messages[0]
    assert message["To"] == "erin.employee@acme.test"
    assert message["Subject"] == "4 new activities for you in Acme Ltd"
    body = smtp.mailbox.body_of(message)
    assert "Hello Erin," in body
    assert "- Spring launch: 3 new activities" in body
    assert "- Hiring week: 1 new activity" in body
    assert "http://127.0.0.1:8000/o/acme/" in body
    assert "http://127.0.0.1:8000/o/acme/notifications/settings/" in body
    assert "Your Chorus digest of March 2, 2026" in body
    for notification in (first, second):
        notification.refresh_from_db()
        assert notification.emailed_at == at(MONDAY, 6, 30)
    assert DigestPreference.objects.get(member=erin).last_sent_at == at(MONDAY, 6, 30)


def test_absolute_links_use_the_site_url(erin, smtp, settings):
    settings.SITE_URL = "https://chorus.example.org"
    offer(erin)

    services.send_due_digests(now=at(MONDAY, 7))

    lines = smtp.mailbox.body_of(smtp.mailbox.messages[0]).splitlines()
    assert "  https://chorus.example.org/o/acme/" in lines


def test_a_second_run_sends_nothing(erin, smtp):
    offer(erin)
    services.send_due_digests(now=at(MONDAY, 6, 30))

    again = services.send_due_digests(now=at(MONDAY, 7, 30))
    offer(erin, name="Later that day")
    later = services.send_due_digests(now=at(MONDAY, 15))

    assert (again, later) == (0, 0)
    assert len(smtp.mailbox.messages) == 1


def test_weekly_waits_for_next_monday(erin, smtp):
    offer(erin)
    services.send_due_digests(now=at(MONDAY, 6, 30))
    offer(erin, name="Midweek news")

    tuesday_to_sunday = [
        services.send_due_digests(now=at(MONDAY + timedelta(days=day), 9)) for day in range(1, 7)
    ]
    next_monday = services.send_due_digests(now=at(MONDAY + timedelta(days=7), 6, 5))

    assert tuesday_to_sunday == [0] * 6
    assert next_monday == 1
    assert "Midweek news" in smtp.mailbox.body_of(smtp.mailbox.messages[-1])
    assert "Spring launch" not in smtp.mailbox.body_of(smtp.mailbox.messages[-1])


def test_daily_once_per_local_day(erin, smtp):
    wants(erin, DigestFrequency.DAILY)
    tuesday = MONDAY + timedelta(days=1)
    offer(erin)

    before_eight = services.send_due_digests(now=at(tuesday, 5, 59))
    at_eight = services.send_due_digests(now=at(tuesday, 6))
    offer(erin, name="Afternoon")
    same_day = services.send_due_digests(now=at(tuesday, 14))
    next_day = services.send_due_digests(now=at(tuesday + timedelta(days=1), 6, 10))

    assert (before_eight, at_eight, same_day, next_day) == (0, 1, 0, 1)
    assert len(smtp.mailbox.messages) == 2
    assert "Afternoon" in smtp.mailbox.body_of(smtp.mailbox.messages[1])


def test_due_by_each_members_own_time_zone(erin, organisation, smtp):
    new_york = in_zone(make_member(organisation, Role.EMPLOYEE, "nia@acme.test", "Nia"), NEW_YORK)
    london = in_zone(make_member(organisation, Role.EMPLOYEE, "leo@acme.test", "Leo"), "")
    organisation.default_time_zone = "Europe/London"
    organisation.save()
    for member in (erin, new_york, london):
        offer(member)

    # 06:30 UTC: 08:30 in Helsinki, 06:30 in London, 01:30 in New York.
    services.send_due_digests(now=at(MONDAY, 6, 30))
    helsinki_only = [m["To"] for m in smtp.mailbox.messages]
    # 13:00 UTC: 13:00 in London, 08:00 in New York.
    services.send_due_digests(now=at(MONDAY, 13))

    assert helsinki_only == ["erin.employee@acme.test"]
    assert sorted(m["To"] for m in smtp.mailbox.messages) == [
        "erin.employee@acme.test",
        "leo@acme.test",
        "nia@acme.test",
    ]


def test_off_gets_nothing(erin, smtp):
    wants(erin, DigestFrequency.OFF)
    notification = offer(erin)

    sent = [services.send_due_digests(now=at(MONDAY + timedelta(days=day), 9)) for day in range(8)]

    assert sent == [0] * 8
    assert smtp.mailbox.messages == []
    notification.refresh_from_db()
    assert notification.emailed_at is None


def test_nothing_new_means_no_email(erin, smtp):
    services.notify(member=erin, kind=NotificationKind.POST_PUBLISHED, params={"network": "x"})

    assert services.send_due_digests(now=at(MONDAY, 7)) == 0
    assert smtp.mailbox.messages == []
    assert not DigestPreference.objects.filter(member=erin, last_sent_at__isnull=False).exists()


def test_read_and_already_emailed_notifications_are_left_out(erin, smtp):
    read = offer(erin, name="Seen in the app")
    Notification.objects.filter(pk=read.pk).update(read_at=at(MONDAY, 1))
    emailed = offer(erin, name="Emailed before")
    Notification.objects.filter(pk=emailed.pk).update(emailed_at=at(MONDAY, 1))
    offer(erin, name="Fresh")

    services.send_due_digests(now=at(MONDAY, 7))

    body = smtp.mailbox.body_of(smtp.mailbox.messages[0])
    assert "Fresh" in body
    assert "Seen in the app" not in body
    assert "Emailed before" not in body


def test_a_campaign_offered_twice_is_listed_once(erin, smtp):
    offer(erin, name="Spring launch", campaign=1, count=2)
    offer(erin, name="Spring launch", campaign=1, count=2)

    services.send_due_digests(now=at(MONDAY, 7))

    body = smtp.mailbox.body_of(smtp.mailbox.messages[0])
    assert body.count("Spring launch") == 1
    assert "- Spring launch: 2 new activities" in body


def test_inactive_members_get_nothing(erin, admin, smtp):
    offer(erin)
    deactivate_member(by=admin, member=erin)

    assert services.send_due_digests(now=at(MONDAY, 7)) == 0
    assert smtp.mailbox.messages == []


def test_in_the_readers_language(erin, smtp):
    erin.user.language = "de"
    erin.user.save(update_fields=["language"])
    offer(erin)

    services.send_due_digests(now=at(MONDAY, 7))

    body = smtp.mailbox.body_of(smtp.mailbox.messages[0])
    assert "2. März 2026" in body


def test_every_due_member_in_batches_one_email_each(organisation, smtp):
    members = [
        in_zone(make_member(organisation, Role.EMPLOYEE, f"p{n}@acme.test"), HELSINKI)
        for n in range(7)
    ]
    for member in members:
        offer(member)
        offer(member, name="Second", campaign=2)
    wants(members[3], DigestFrequency.OFF)

    sent = services.send_due_digests(now=at(MONDAY, 7), batch_size=2)

    assert sent == 6
    recipients = sorted(str(m["To"]) for m in smtp.mailbox.messages)
    assert recipients == sorted(f"p{n}@acme.test" for n in range(7) if n != 3)


def test_a_failed_send_can_be_retried(erin, settings, smtp):
    offer(erin)
    settings.MAILERS = smtp_mailers(1)  # nothing listens there

    with pytest.raises(OSError):
        services.send_digest(member_id=erin.pk, now=at(MONDAY, 7))
    services.send_due_digests(now=at(MONDAY, 7))  # its task fails the same way

    preference = DigestPreference.objects.get(member=erin)
    assert preference.last_sent_at is None
    assert not Notification.objects.filter(member=erin, emailed_at__isnull=False).exists()
    settings.MAILERS = smtp_mailers(smtp.port)
    assert services.send_due_digests(now=at(MONDAY, 8)) == 1
    assert len(smtp.mailbox.messages) == 1


def test_the_digest_task_sends_once_for_a_period(erin, smtp):
    offer(erin)

    first = services.send_digest(member_id=erin.pk, now=at(MONDAY, 7))
    offer(erin, name="Another")
    second = services.send_digest(member_id=erin.pk, now=at(MONDAY, 7, 1))

    assert (first, second) == (True, False)
    assert len(smtp.mailbox.messages) == 1


def test_registered_as_an_hourly_job():
    jobs = {job.name: job for job in registered_jobs()}

    job = jobs["notifications.send_due_digests"]
    assert job.every == timedelta(hours=1)


def test_a_campaign_offered_in_bulk_reaches_the_digest(erin, organisation, smtp):
    campaign = Campaign.objects.create(
        organisation=organisation, name="Autumn stories", state=CampaignState.LIVE
    )
    for title in ("One", "Two"):
        Activity.objects.create(campaign=campaign, kind=ActivityKind.SHARE_LINK, title=title)
    ProgrammeConsent.objects.create(member=erin, terms_version=1, terms_text="terms")
    offer_campaign(campaign=campaign)

    services.send_due_digests(now=at(MONDAY, 7))

    message = smtp.mailbox.messages[0]
    assert message["Subject"] == "2 new activities for you in Acme Ltd"
    assert "- Autumn stories: 2 new activities" in smtp.mailbox.body_of(message)
