import re
from datetime import UTC, datetime
from typing import Any

import pytest

from chorus.accounts.models import User
from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.orgs import services
from chorus.orgs.models import Organisation
from chorus.orgs.roles import Role


@pytest.fixture
def log_url(organisation):
    return f"/o/{organisation.slug}/audit/"


def event(
    organisation: Organisation,
    *,
    actor: User | None = None,
    action: str = AuditAction.TEAM_CREATED,
    at: datetime | None = None,
    **fields: Any,
) -> AuditEvent:
    return AuditEvent.objects.create(
        organisation=organisation,
        actor=actor,
        actor_email=actor.email if actor else "",
        action=action,
        created_at=at or datetime.now(UTC),
        **fields,
    )


def shown(response) -> list[int]:
    return [e.pk for e in response.context["page_obj"]]


@pytest.mark.parametrize("role", Role.values)
def test_only_owners_and_admins_see_the_log(role, cast, login, log_url):
    response = login(cast[role]).get(log_url)

    assert response.status_code == (200 if role in (Role.OWNER, Role.ADMIN) else 403)


def test_shows_what_the_services_recorded(admin, employee, teams, login, log_url):
    services.change_member_role(by=admin, member=employee, role=Role.REVIEWER)

    response = login(admin).get(log_url)

    page = response.content.decode()
    assert "Member&#x27;s role changed" in page
    assert "adam.admin@acme.test" in page
    assert "Erin Employee @ Acme Ltd" in page
    before, after = re.findall(r'<pre class="json">([^<]*)</pre>', page)
    assert "role" in before and "employee" in before
    assert "role" in after and "reviewer" in after


def test_newest_first_and_only_this_organisation(admin, outsider, organisation, login, log_url):
    older = event(organisation, actor=admin.user, at=datetime(2026, 1, 1, tzinfo=UTC))
    newer = event(organisation, actor=admin.user, at=datetime(2026, 2, 1, tzinfo=UTC))
    services.create_team(by=outsider, name="Globex secret team")

    response = login(admin).get(log_url)

    assert shown(response) == [newer.pk, older.pk]
    assert "Globex secret team" not in response.content.decode()


def test_filter_by_actor(admin, owner, organisation, login, log_url):
    by_admin = event(organisation, actor=admin.user)
    event(organisation, actor=owner.user)

    response = login(admin).get(log_url, {"actor": "ADAM.admin"})

    assert shown(response) == [by_admin.pk]


def test_filter_by_action(admin, organisation, login, log_url):
    event(organisation, action=AuditAction.TEAM_CREATED)
    deleted = event(organisation, action=AuditAction.TEAM_DELETED)

    response = login(admin).get(log_url, {"action": AuditAction.TEAM_DELETED})

    assert shown(response) == [deleted.pk]


def test_filter_by_date_range_includes_both_ends(admin, organisation, login, log_url):
    days = {
        day: event(organisation, at=datetime(2026, 3, day, 12, tzinfo=UTC)) for day in range(1, 6)
    }

    response = login(admin).get(log_url, {"since": "2026-03-02", "until": "2026-03-04"})

    assert shown(response) == [days[4].pk, days[3].pk, days[2].pk]


def test_dates_are_days_in_the_viewers_time_zone(admin, organisation, login, log_url):
    admin.user.time_zone = "Pacific/Auckland"
    admin.user.save()
    # 1 March 11:30 UTC is already 2 March, 00:30 in Auckland.
    late = event(organisation, at=datetime(2026, 3, 1, 11, 30, tzinfo=UTC))

    on_second = login(admin).get(log_url, {"since": "2026-03-02", "until": "2026-03-02"})
    on_first = login(admin).get(log_url, {"since": "2026-03-01", "until": "2026-03-01"})

    assert shown(on_second) == [late.pk]
    assert shown(on_first) == []


def test_filters_combine(admin, owner, organisation, login, log_url):
    march = datetime(2026, 3, 10, tzinfo=UTC)
    wanted = event(organisation, actor=owner.user, action=AuditAction.TEAM_DELETED, at=march)
    event(organisation, actor=admin.user, action=AuditAction.TEAM_DELETED, at=march)
    event(organisation, actor=owner.user, action=AuditAction.TEAM_CREATED, at=march)
    event(
        organisation, actor=owner.user, action=AuditAction.TEAM_DELETED, at=march.replace(month=4)
    )

    response = login(admin).get(
        log_url,
        {"actor": "olivia", "action": "team.deleted", "since": "2026-03-01", "until": "2026-03-31"},
    )

    assert shown(response) == [wanted.pk]


def test_end_before_start_is_a_form_error(admin, login, log_url):
    response = login(admin).get(log_url, {"since": "2026-03-05", "until": "2026-03-01"})

    assert response.status_code == 200
    assert response.context["form"].errors["until"] == ["The end date is before the start date."]


def test_unknown_action_is_a_form_error(admin, login, log_url):
    response = login(admin).get(log_url, {"action": "everything.deleted"})

    assert "action" in response.context["form"].errors


def test_pagination_keeps_the_filters(admin, organisation, login, log_url):
    for _ in range(120):
        event(organisation, action=AuditAction.TEAM_UPDATED)
    event(organisation, action=AuditAction.TEAM_DELETED)
    client = login(admin)
    query = {"action": AuditAction.TEAM_UPDATED}

    pages = [client.get(log_url, {**query, "page": n}) for n in (1, 2, 3)]

    assert [len(shown(page)) for page in pages] == [50, 50, 20]
    seen = [pk for page in pages for pk in shown(page)]
    assert len(set(seen)) == 120
    assert 'href="?action=team.updated&amp;page=2"' in pages[0].content.decode()
    assert "Page 3 of 3" in pages[2].content.decode()
    assert 'href="?action=team.updated&amp;page=2" rel="prev"' in pages[2].content.decode()


def test_export_link_carries_the_filters(admin, login, log_url):
    page = login(admin).get(log_url, {"actor": "olivia", "page": "1"}).content.decode()

    assert 'href="/o/acme/audit/export.csv?actor=olivia"' in page
