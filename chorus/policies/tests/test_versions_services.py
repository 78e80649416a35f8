"""Publishing versions: numbering, major and minor, summaries, drafts, who may, and the audit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.policies import selectors, services
from chorus.policies.models import Acknowledgment, PolicyDraft, PolicyVersion
from chorus.policies.tests.helpers import MONDAY, POLICY, publish

pytestmark = pytest.mark.django_db


def test_versions_are_numbered_major_dot_minor(owner, admin):
    numbers = [
        publish(owner, major=True).number,
        publish(admin, major=False).number,
        publish(owner, major=False).number,
        publish(owner, major=True).number,
        publish(admin, major=False).number,
    ]

    assert numbers == ["1.0", "1.1", "1.2", "2.0", "2.1"]
    current = selectors.current_version(organisation=owner.organisation)
    assert current is not None and current.number == "2.1"


def test_the_first_version_is_always_1_0_and_major(owner):
    version = publish(owner, major=False)

    assert version.number == "1.0"
    assert version.is_major


def test_old_versions_stay_as_they_were(owner):
    first = publish(owner, text="## First\n\nThe first words.", summary="First version")
    publish(owner, text="## Second\n\nNew words.", summary="Rewritten", major=True)

    first.refresh_from_db()
    assert first.text == "## First\n\nThe first words."
    assert [v.summary for v in selectors.versions_of(organisation=owner.organisation)] == [
        "Rewritten",
        "First version",
    ]


def test_a_version_records_who_published_it_and_when(admin):
    version = publish(admin, now=MONDAY)

    assert version.published_by == admin.user
    assert version.published_at == MONDAY


@pytest.mark.parametrize("summary", ["", "   "])
def test_a_change_summary_is_required(owner, summary):
    with pytest.raises(ValidationError) as error:
        services.publish_version(by=owner, text=POLICY, summary=summary, major=True)

    assert "summary" in error.value.message_dict
    assert not PolicyVersion.objects.exists()


def test_the_policy_text_is_required(owner):
    with pytest.raises(ValidationError) as error:
        services.publish_version(by=owner, text="  \n ", summary="Empty", major=True)

    assert "text" in error.value.message_dict


@pytest.mark.parametrize("role", ["content_manager", "reviewer", "responder", "employee"])
def test_only_owners_and_admins_publish_or_draft(role, request):
    member = request.getfixturevalue(role)

    with pytest.raises(PermissionDenied):
        services.publish_version(by=member, text=POLICY, summary="Mine", major=True)
    with pytest.raises(PermissionDenied):
        services.save_draft(by=member, text=POLICY)
    assert not PolicyVersion.objects.exists()
    assert not PolicyDraft.objects.exists()


def test_publishing_is_audited(owner):
    first = publish(owner, summary="First version")
    second = publish(owner, major=False, summary="Typo fixed")

    events = AuditEvent.objects.filter(action=AuditAction.POLICY_PUBLISHED).order_by("pk")
    assert [(e.object_id, e.before, e.after) for e in events] == [
        (
            str(first.pk),
            None,
            {"version": "1.0", "major": True, "summary": "First version", "asked": 1, "paused": 0},
        ),
        (
            str(second.pk),
            {"version": "1.0"},
            {"version": "1.1", "major": False, "summary": "Typo fixed", "asked": 0, "paused": 0},
        ),
    ]
    assert events[1].actor == owner.user


def test_a_draft_is_kept_until_it_is_published(owner):
    services.save_draft(by=owner, text="## Draft\r\n\r\nWork in progress.")

    assert selectors.editor_text(organisation=owner.organisation) == "## Draft\n\nWork in progress."
    assert not PolicyVersion.objects.exists()

    publish(owner, text="## Draft\n\nDone.")

    assert not PolicyDraft.objects.exists()
    assert selectors.editor_text(organisation=owner.organisation) == "## Draft\n\nDone."


def test_the_editor_starts_from_the_starter_policy_when_nothing_is_published(owner):
    text = selectors.editor_text(organisation=owner.organisation)

    assert text.startswith("## Why we have this policy")
    assert "Acme Ltd welcomes employees" in text


def test_accepting_a_version_counts_for_its_later_minor_versions(owner, employee):
    first = publish(owner)
    services.acknowledge(member=employee, version=first)

    minor = publish(owner, major=False)

    assert selectors.has_accepted(member=employee, version=minor)
    assert selectors.unaccepted_version(member=employee) is None

    major = publish(owner, major=True)

    assert not selectors.has_accepted(member=employee, version=major)
    assert selectors.unaccepted_version(member=employee) == major


def test_only_the_current_version_can_be_accepted(owner, employee):
    first = publish(owner)
    publish(owner, major=False)

    with pytest.raises(ValidationError):
        services.acknowledge(member=employee, version=first)
    assert not Acknowledgment.objects.exists()


def test_accepting_twice_keeps_the_first_time(owner, employee):
    version = publish(owner)
    first = services.acknowledge(member=employee, version=version, now=MONDAY).acknowledgment
    again = services.acknowledge(member=employee, version=version).acknowledgment

    assert again.pk == first.pk
    assert Acknowledgment.objects.get().acknowledged_at == MONDAY


def test_another_organisations_version_cannot_be_accepted(owner, outsider):
    version = publish(owner)

    with pytest.raises(ValidationError):
        services.acknowledge(member=outsider, version=version)
    assert not Acknowledgment.objects.exists()
