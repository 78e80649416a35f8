"""The "My data" page: everything stored about the member, and nothing about anyone else."""

import pytest
from django.http import HttpResponse

from chorus.privacy.selectors import Section, member_data


@pytest.fixture
def my_data_url(organisation):
    return f"/o/{organisation.slug}/my-data/"


def sections_of(response: HttpResponse) -> dict[str, Section]:
    return {section.key: section for section in response.context["sections"]}  # type: ignore[attr-defined]


def test_every_section_is_shown(erin_data, login, my_data_url, teams):
    erin_data.member.teams.add(teams["Sales"], teams["Nordics"])

    response = login(erin_data.member).get(my_data_url)

    assert response.status_code == 200
    assert list(sections_of(response)) == [
        "profile",
        "membership",
        "programme_consents",
        "connected_accounts",
        "posts",
        "points",
        "feed",
        "pilot_feedback",
        "policy_acknowledgments",
        "training_quiz_attempts",
        "tracked_links",
        "notifications",
        "email_digest",
        "rally_pledges",
        "incentive_programmes",
        "incentive_earnings",
        "api_tokens",
    ]
    page = response.content.decode()
    for heading in (
        "Profile",
        "Membership",
        "Taking part in the advocacy programme",
        "Connected accounts",
        "Posts",
        "Points",
        "Activities offered to you",
        "Pilot feedback you gave",
        "Social media policy versions you accepted",
        "Training quizzes you took",
        "Your tracked links",
        "Notifications",
        "Email digest",
        "Rally pledges",
        "Incentive programmes you joined",
        "Your earnings ledger",
    ):
        assert f">{heading}</h2>" in page
    for fact in (
        "Erin Employee",
        "erin.employee@acme.test",
        "Employee",
        "Nordics, Sales",
        "I choose to take part",
        "@erin",
        "erin on LinkedIn",
        "erin shares the spring news in their own words",
        "erin has a post still to go",
        "Token of @erin expired",
        "https://linkedin.test/erin/1",
        "Scheduled",
        "Failed",
        "Skipped",
        "2 new activities in Campaign for erin",
        "Daily",
        "erin thinks some would like it",
        "Hiring week rally",
        "erin script",
        "This is the count so far",
    ):
        assert fact in page, fact


def test_values_of_each_section(erin_data):
    sections = {section.key: section for section in member_data(member=erin_data.member)}

    assert sections["points"].rows == [{"points": 15, "published_posts": 2}]
    assert [row["terms_version"] for row in sections["programme_consents"].rows] == [1, 2]
    assert sections["programme_consents"].rows[0]["left_at"] is not None
    posts = sections["posts"].rows
    assert sorted(row["state"] for row in posts) == [
        "approved",
        "failed",
        "published",
        "published",
        "scheduled",
    ]
    assert {row["attempts"] for row in posts} == {0, 1, 2, 3}
    assert sections["connected_accounts"].rows[0]["status"] == "active"
    assert sorted(row["state"] for row in sections["feed"].rows) == ["done", "skipped"]
    assert sections["rally_pledges"].rows[0]["post_state"] == "approved"


def test_credentials_are_never_shown(erin_data, login, my_data_url):
    page = login(erin_data.member).get(my_data_url).content.decode()

    assert "SECRET-TOKEN" not in page
    assert "HASH-erin" not in page


def test_nothing_of_other_members(erin_data, adam_data, outsider, login, my_data_url):
    page = login(erin_data.member).get(my_data_url).content.decode()

    for theirs in (
        "adam.admin@acme.test",
        "@adam",
        "adam shares",
        "adam writes",
        "Campaign for adam",
        "adam thinks",
        "otto.outsider",
    ):
        assert theirs not in page, theirs
    points = member_data(member=erin_data.member)[5]
    assert points.rows == [{"points": 15, "published_posts": 2}]


def test_a_member_with_nothing_stored_sees_empty_sections(employee, login, my_data_url):
    page = login(employee).get(my_data_url).content.decode()

    assert "You have not approved any post." in page
    assert "You have not connected any account." in page
    assert "You have not joined the advocacy programme." in page
    assert "You have not pledged to any rally." in page
    assert "Weekly" in page


def test_times_are_shown_in_the_members_time_zone(erin_data, login, my_data_url):
    erin_data.member.user.time_zone = "Europe/Helsinki"
    erin_data.member.user.save(update_fields=["time_zone"])

    page = login(erin_data.member).get(my_data_url).content.decode()

    # Published at 09:00 UTC on 2 March 2026: 11:00 in Helsinki.
    assert "March 2, 2026, 11 a.m." in page


def test_links_to_export_and_deletion(employee, login, my_data_url):
    page = login(employee).get(my_data_url).content.decode()

    assert 'href="/o/acme/my-data/export.json"' in page
    assert 'href="/o/acme/my-data/delete/"' in page


def test_the_navigation_offers_my_data(employee, login):
    page = login(employee).get("/o/acme/").content.decode()

    assert '<a href="/o/acme/my-data/" >My data</a>' in page


def test_outsider_gets_404(erin_data, outsider, login, my_data_url):
    assert login(outsider).get(my_data_url).status_code == 404
