import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.orgs.models import Membership
from chorus.sharing import services
from chorus.sharing.models import AdvocacySettings, ProgrammeConsent
from chorus.sharing.selectors import advocacy_settings_for

pytestmark = pytest.mark.django_db


def update(by: Membership, **overrides: object) -> AdvocacySettings:
    values: dict[str, object] = {
        "disclosure": "#employee",
        "duplicate_guard": "warn",
        "duplicate_threshold": 0.6,
        "programme_terms": "",
        **overrides,
    }
    return services.update_advocacy_settings(by=by, **values)  # type: ignore[arg-type]


def test_settings_are_created_lazily_with_defaults(organisation) -> None:
    assert not AdvocacySettings.objects.exists()

    advocacy = advocacy_settings_for(organisation=organisation)

    assert (advocacy.disclosure, advocacy.duplicate_guard, advocacy.duplicate_threshold) == (
        "#employee",
        "warn",
        0.6,
    )
    assert advocacy_settings_for(organisation=organisation).pk == advocacy.pk


def test_changing_the_terms_makes_a_new_version_and_participants_stay(
    admin: Membership, employee: Membership
) -> None:
    services.join_programme(member=employee)

    advocacy = update(admin, programme_terms="Our new terms.\r\nSecond line.")

    assert advocacy.programme_terms == "Our new terms.\nSecond line."
    assert advocacy.programme_terms_version == 2
    assert ProgrammeConsent.objects.get(member=employee).left_at is None


def test_other_changes_keep_the_terms_version(admin: Membership) -> None:
    advocacy = update(admin, disclosure="I work at Acme.", duplicate_guard="block")

    assert advocacy.programme_terms_version == 1
    assert (advocacy.disclosure, advocacy.duplicate_guard) == ("I work at Acme.", "block")


def test_the_same_terms_again_are_no_new_version(admin: Membership) -> None:
    update(admin, programme_terms="Terms")

    assert update(admin, programme_terms="Terms ").programme_terms_version == 2


def test_changes_are_audited_with_before_and_after(admin: Membership) -> None:
    update(admin, duplicate_threshold=0.8, programme_terms="T")

    event = AuditEvent.objects.get(action=AuditAction.ADVOCACY_SETTINGS_UPDATED)
    assert event.actor == admin.user
    assert event.before is not None
    assert event.after is not None
    assert event.before["duplicate_threshold"] == 0.6
    assert event.after["duplicate_threshold"] == 0.8
    assert (event.before["programme_terms_version"], event.after["programme_terms_version"]) == (
        1,
        2,
    )


def test_no_change_writes_no_audit_event(admin: Membership) -> None:
    update(admin)

    assert not AuditEvent.objects.filter(action=AuditAction.ADVOCACY_SETTINGS_UPDATED).exists()


@pytest.mark.parametrize("threshold", [0.05, 1.5])
def test_threshold_outside_its_range_is_refused(admin: Membership, threshold: float) -> None:
    with pytest.raises(ValidationError) as error:
        update(admin, duplicate_threshold=threshold)

    assert "duplicate_threshold" in error.value.message_dict
    assert advocacy_settings_for(organisation=admin.organisation).duplicate_threshold == 0.6


def test_only_settings_managers_may_change_them(content_manager: Membership) -> None:
    with pytest.raises(PermissionDenied):
        update(content_manager, duplicate_guard="block")
