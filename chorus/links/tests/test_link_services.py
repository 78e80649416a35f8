"""Making, sharing and switching off tracked links, and the organisation's link settings."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.campaigns.models import ActivityKind
from chorus.links import services
from chorus.links.models import AttributionRule, LinkCacheVersion, TrackedLink, Visit, VisitorSalt
from chorus.links.selectors import link_settings_for, short_url
from chorus.links.tests.conftest import add_click, make_share_activity

pytestmark = pytest.mark.django_db


def settings_form(**changes: object) -> dict[str, Any]:
    return {
        "short_base_url": "",
        "utm_source": "{network}",
        "utm_medium": "employee-advocacy",
        "utm_campaign": "{campaign}",
        "utm_content": "{activity}",
        "attribution": AttributionRule.FIRST_TOUCH,
        "repeat_window_minutes": 1440,
        **changes,
    }


def test_one_link_per_member_activity_and_network(employee, admin, share_activity):
    first = services.tracked_link_for(member=employee, activity=share_activity, network="linkedin")
    again = services.tracked_link_for(member=employee, activity=share_activity, network="linkedin")
    other_network = services.tracked_link_for(
        member=employee, activity=share_activity, network="bluesky"
    )
    colleague = services.tracked_link_for(member=admin, activity=share_activity, network="linkedin")

    assert again.pk == first.pk
    assert len({first.code, other_network.code, colleague.code}) == 3
    assert TrackedLink.objects.count() == 3
    assert (first.organisation, first.campaign, first.member) == (
        employee.organisation,
        share_activity.campaign,
        employee,
    )
    assert first.target.startswith("https://acme.test/solar?utm_source=linkedin&")
    assert other_network.target.startswith("https://acme.test/solar?utm_source=bluesky&")


def test_the_target_stays_what_it_was_when_the_link_was_made(employee, admin, share_activity):
    link = services.tracked_link_for(member=employee, activity=share_activity, network="linkedin")
    services.update_link_settings(by=admin, **settings_form(utm_medium="staff"))

    again = services.tracked_link_for(member=employee, activity=share_activity, network="linkedin")
    newer = services.tracked_link_for(member=employee, activity=share_activity, network="x")

    assert again.target == link.target
    assert "utm_medium=employee-advocacy" in again.target
    assert "utm_medium=staff" in newer.target


def test_the_short_url_uses_the_installation_address_by_default(settings, link):
    settings.CHORUS_LINK_BASE_URL = "https://chorus.example.org/l/"

    assert short_url(link) == f"https://chorus.example.org/l/{link.code}"


def test_an_organisation_can_use_its_own_short_domain(settings, admin, link):
    settings.CHORUS_LINK_BASE_URL = "https://chorus.example.org/l/"
    services.update_link_settings(
        by=admin, **settings_form(short_base_url="https://go.acme.test/l")
    )

    assert short_url(link) == f"https://go.acme.test/l/{link.code}"


@pytest.mark.parametrize(
    "address", ["ftp://go.acme.test/l/", "https://go.acme.test/x/", "https://go.acme.test/l/?a=1"]
)
def test_a_short_domain_must_be_web_and_end_where_links_are_served(admin, address):
    with pytest.raises(ValidationError) as error:
        services.update_link_settings(by=admin, **settings_form(short_base_url=address))

    assert "short_base_url" in error.value.message_dict


def test_only_share_link_activities_of_ones_own_organisation_get_links(
    employee, outsider, organisation, share_activity
):
    own_post = make_share_activity(organisation)
    own_post.kind = ActivityKind.OWN_POST
    own_post.save()

    with pytest.raises(ValidationError):
        services.tracked_link_for(member=employee, activity=own_post, network="linkedin")
    with pytest.raises(ValidationError):
        services.tracked_link_for(member=outsider, activity=share_activity, network="linkedin")
    assert not TrackedLink.objects.exists()


def version() -> int:
    return LinkCacheVersion.objects.get(pk=1).version


def test_disabling_is_audited_and_tells_the_redirects(content_manager, link):
    services.disable_link(by=content_manager, link=link)
    first = version()
    services.disable_link(by=content_manager, link=link)  # already disabled: no change

    link.refresh_from_db()
    assert link.disabled_at is not None
    assert not link.redirects()
    assert version() == first
    event = AuditEvent.objects.get(action=AuditAction.LINK_DISABLED)
    assert event.before is not None and event.after is not None
    assert event.actor == content_manager.user
    assert event.before["disabled_at"] is None
    assert event.after["code"] == link.code

    services.enable_link(by=content_manager, link=link)

    link.refresh_from_db()
    assert link.redirects()
    assert version() == first + 1
    assert AuditEvent.objects.filter(action=AuditAction.LINK_ENABLED).count() == 1


def test_an_expiry_stops_the_link_when_it_comes(content_manager, link):
    soon = timezone.now() + timedelta(hours=1)
    services.set_link_expiry(by=content_manager, link=link, expires_at=soon)

    link.refresh_from_db()
    assert link.redirects(now=soon - timedelta(seconds=1))
    assert not link.redirects(now=soon)
    after = AuditEvent.objects.get(action=AuditAction.LINK_EXPIRY_CHANGED).after
    assert after is not None and after["expires_at"]


def test_employees_cannot_switch_links_off(employee, link):
    with pytest.raises(PermissionDenied):
        services.disable_link(by=employee, link=link)


def test_links_of_another_organisation_cannot_be_changed(outsider, link):
    with pytest.raises(ValidationError):
        services.disable_link(by=outsider, link=link)
    link.refresh_from_db()
    assert link.redirects()


def test_settings_changes_are_checked_and_audited(admin, organisation):
    services.update_link_settings(
        by=admin,
        **settings_form(attribution=AttributionRule.LAST_TOUCH, utm_content="{activity_id}"),
    )
    services.update_link_settings(
        by=admin,
        **settings_form(attribution=AttributionRule.LAST_TOUCH, utm_content="{activity_id}"),
    )

    link_settings = link_settings_for(organisation=organisation)
    assert link_settings.attribution == AttributionRule.LAST_TOUCH
    event = AuditEvent.objects.get(action=AuditAction.LINK_SETTINGS_UPDATED)
    assert event.before is not None and event.after is not None
    assert event.before["attribution"] == AttributionRule.FIRST_TOUCH
    assert event.after["utm_content"] == "{activity_id}"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("utm_source", "{employee}"),
        ("attribution", "most_clicks"),
        ("repeat_window_minutes", 0),
        ("repeat_window_minutes", 1441),
    ],
)
def test_bad_settings_are_refused_with_the_field_named(admin, field, value):
    with pytest.raises(ValidationError) as error:
        services.update_link_settings(by=admin, **settings_form(**{field: value}))

    assert field in error.value.message_dict
    assert not AuditEvent.objects.filter(action=AuditAction.LINK_SETTINGS_UPDATED).exists()


def test_only_owners_and_admins_change_link_settings(content_manager):
    with pytest.raises(PermissionDenied):
        services.update_link_settings(by=content_manager, **settings_form())


def test_old_salts_and_visits_are_forgotten(link):
    now = timezone.now()
    today = now.date()
    for day in (today - timedelta(days=2), today - timedelta(days=1), today):
        VisitorSalt.objects.create(day=day, salt="00" * 32)
    old = add_click(link, at=now - timedelta(days=3))
    recent = add_click(link, at=now - timedelta(hours=1))
    for click in (old, recent):
        Visit.objects.create(
            campaign_id=link.campaign_id,
            visitor_key=click.visitor_key,
            started_at=click.time,
            credited_click=click,
            credited_link=link,
            credited_at=click.time,
        )

    assert services.prune_salts(now=now) == 2
    assert services.prune_visits(now=now) == 1

    assert list(VisitorSalt.objects.values_list("day", flat=True)) == [today]
    assert list(Visit.objects.values_list("credited_click", flat=True)) == [recent.pk]
