"""Owners and admins see who accepted which version when, and remind the rest."""

import pytest

from chorus.conftest import make_member
from chorus.notifications.models import Notification, NotificationKind
from chorus.orgs.roles import Role
from chorus.policies import services
from chorus.policies.tests.helpers import MONDAY, publish
from chorus.policies.views import OVERVIEW_PAGE_SIZE

pytestmark = pytest.mark.django_db

PAGE = "/o/acme/policy/acknowledgments/"


def rows(html: str) -> int:
    return html.count("<tr>") - 1  # less the heading row


def test_the_page_lists_each_members_latest_acceptance(login, owner, employee, admin):
    first = publish(owner, now=MONDAY)
    services.acknowledge(member=employee, version=first, now=MONDAY)
    publish(owner, major=False)

    html = login(owner).get(PAGE).content.decode()

    assert "Erin Employee" in html and "Adam Admin" in html and "Olivia Owner" in html
    erins_row = html[html.index("Erin Employee") :].split("</tr>")[0]
    assert "1.0" in erins_row
    assert 'datetime="2026-05-04T08:00:00+00:00"' in erins_row
    assert "Accepted" in erins_row
    adams_row = html[html.index("Adam Admin") :].split("</tr>")[0]
    assert "Not yet" in adams_row
    assert "2 active members have not accepted version 1.1 yet." in html


def test_the_filter_shows_only_those_yet_to_accept(login, owner, employee, admin):
    services.acknowledge(member=employee, version=publish(owner))

    html = login(owner).get(PAGE + "?pending=1").content.decode()

    assert "Adam Admin" in html and "Olivia Owner" in html
    assert "Erin Employee" not in html


def test_inactive_members_are_not_listed(login, owner, employee):
    publish(owner)
    employee.is_active = False
    employee.save()

    assert "Erin Employee" not in login(owner).get(PAGE).content.decode()


def test_the_list_is_paginated_and_keeps_the_filter(login, owner, organisation):
    publish(owner)
    for number in range(OVERVIEW_PAGE_SIZE + 5):
        make_member(organisation, Role.EMPLOYEE, f"person{number:03}@acme.test")
    client = login(owner)

    first = client.get(PAGE + "?pending=1").content.decode()
    second = client.get(PAGE + "?pending=1&page=2").content.decode()

    assert rows(first) == OVERVIEW_PAGE_SIZE
    assert rows(second) == 6
    assert "Page 1 of 2" in first
    assert 'href="?pending=1&amp;page=2"' in first


def test_remind_the_rest_says_how_many_were_reminded_and_skipped(login, owner, employee, admin):
    publish(owner)
    client = login(owner)

    first = client.post(PAGE + "remind/", follow=True).content.decode()
    again = client.post(PAGE + "remind/", follow=True).content.decode()

    assert "3 members were reminded. 0 were skipped" in first
    assert "0 members were reminded. 3 were skipped: reminded in the last 24 hours." in again
    assert Notification.objects.filter(kind=NotificationKind.POLICY_REMINDER).count() == 3


def test_the_page_offers_the_reminder_button(login, owner):
    publish(owner)

    assert "Remind the rest" in login(owner).get(PAGE).content.decode()


@pytest.mark.parametrize("role", ["content_manager", "reviewer", "responder", "employee"])
def test_other_roles_see_no_acknowledgments_and_remind_nobody(login, owner, role, request):
    publish(owner)
    client = login(request.getfixturevalue(role))

    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE + "remind/").status_code == 403
    assert not Notification.objects.filter(kind=NotificationKind.POLICY_REMINDER).exists()


def test_another_organisations_members_never_appear(login, owner, outsider):
    publish(owner)
    publish(outsider)

    html = login(owner).get(PAGE).content.decode()

    assert "Otto Outsider" not in html
    login(owner).post(PAGE + "remind/")
    assert not Notification.objects.filter(
        member=outsider, kind=NotificationKind.POLICY_REMINDER
    ).exists()
