"""Managing compliance rules: versions, validation, permissions and audit events."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.governance import services
from chorus.governance.models import ComplianceRule, RuleVersion
from chorus.governance.tests.helpers import after, before, current


def test_creating_a_rule_makes_its_first_version_and_an_audit_event(content_manager, organisation):
    rule = services.create_rule(
        by=content_manager,
        kind="confidential_terms",
        name="  Code   names ",
        severity="block",
        explanation="Unreleased products stay internal.",
        config={
            "terms": [
                {"text": "Kuutamo", "mode": "inflected"},
                {"text": " kuutamo ", "mode": "inflected"},
                {"text": "Nova", "mode": "exact"},
                {"text": "", "mode": "exact"},
            ]
        },
    )

    version = current(rule)
    assert rule.organisation == organisation
    assert (version.number, version.name, version.severity) == (1, "Code names", "block")
    assert version.config == {
        "terms": [{"text": "Kuutamo", "mode": "inflected"}, {"text": "Nova", "mode": "exact"}]
    }
    assert version.created_by == content_manager
    event = AuditEvent.objects.get(action=AuditAction.COMPLIANCE_RULE_CREATED)
    assert event.actor == content_manager.user
    assert (event.object_type, event.object_id) == ("compliancerule", str(rule.pk))
    assert event.before is None
    assert after(event)["kind"] == "confidential_terms"
    assert after(event)["config"] == version.config


def test_changing_a_rule_makes_a_new_version_and_keeps_the_old(confidential, admin):
    first = current(confidential)

    services.update_rule(
        by=admin,
        rule=confidential,
        name="Code names",
        severity="review",
        explanation="Ask first.",
        config={"terms": [{"text": "Kuutamo"}, {"text": "Jastrząb"}]},
    )

    confidential.refresh_from_db()
    second = current(confidential)
    assert second.number == 2
    assert second.severity == "review"
    assert second.config["terms"][1] == {"text": "Jastrząb", "mode": "inflected"}
    assert RuleVersion.objects.get(pk=first.pk).severity == "block"
    event = AuditEvent.objects.get(action=AuditAction.COMPLIANCE_RULE_UPDATED)
    assert event.actor == admin.user
    assert before(event)["version"] == 1
    assert after(event)["version"] == 2


def test_saving_without_a_change_makes_no_version(confidential, content_manager):
    version = current(confidential)

    services.update_rule(
        by=content_manager,
        rule=confidential,
        name=version.name,
        severity=version.severity,
        explanation=version.explanation,
        config=version.config,
    )

    assert confidential.versions.count() == 1
    assert not AuditEvent.objects.filter(action=AuditAction.COMPLIANCE_RULE_UPDATED).exists()


def test_deleting_a_rule_keeps_its_versions(confidential, owner):
    services.delete_rule(by=owner, rule=confidential)

    confidential.refresh_from_db()
    assert confidential.deleted_at is not None
    assert confidential.versions.count() == 1
    event = AuditEvent.objects.get(action=AuditAction.COMPLIANCE_RULE_DELETED)
    assert before(event)["name"] == "Code names"
    assert event.after is None
    with pytest.raises(ValidationError):
        services.delete_rule(by=owner, rule=confidential)
    with pytest.raises(ValidationError):
        services.update_rule(
            by=owner,
            rule=confidential,
            name="x",
            severity="warn",
            config={"terms": [{"text": "a"}]},
        )


@pytest.mark.parametrize("role", ["reviewer", "responder", "employee"])
def test_only_those_who_manage_content_manage_rules(role, request, confidential):
    member = request.getfixturevalue(role)

    with pytest.raises(PermissionDenied):
        services.create_rule(
            by=member, kind="profanity", name="x", severity="warn", config={"words": {"en": ["x"]}}
        )
    with pytest.raises(PermissionDenied):
        services.delete_rule(by=member, rule=confidential)
    assert ComplianceRule.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "config", "field"),
    [
        ("confidential_terms", {"terms": []}, "terms"),
        ("banned_phrases", {"terms": [{"text": "!!!", "mode": "inflected"}]}, "terms"),
        ("banned_phrases", {"terms": [{"text": "x", "mode": "fuzzy"}]}, "terms"),
        ("banned_phrases", {"terms": [{"text": "x" * 201}]}, "terms"),
        ("disclosure", {"phrases": ["  "]}, "phrases"),
        ("personal_data", {"detect": []}, "detect"),
        ("personal_data", {"detect": ["passport"]}, "detect"),
        ("profanity", {"words": {"en": []}}, "words"),
        ("profanity", {"words": {"xx": ["a"]}}, "words"),
        ("links", {"allowed_domains": [], "keep_tracked_link": False}, "allowed_domains"),
        (
            "links",
            {"allowed_domains": ["not a domain"], "keep_tracked_link": True},
            "allowed_domains",
        ),
        ("length", {"networks": ["myspace"]}, "networks"),
        ("length", {"networks": [], "max_length": 0}, "max_length"),
    ],
)
def test_bad_configs_are_refused_with_field_errors(content_manager, kind, config, field):
    with pytest.raises(ValidationError) as refused:
        services.create_rule(
            by=content_manager, kind=kind, name="Rule", severity="warn", config=config
        )

    assert field in refused.value.message_dict
    assert not ComplianceRule.objects.exists()


def test_name_severity_and_kind_are_required(content_manager):
    with pytest.raises(ValidationError) as refused:
        services.create_rule(
            by=content_manager,
            kind="disclosure",
            name=" ",
            severity="maybe",
            config={"phrases": ["#ad"]},
        )
    assert set(refused.value.message_dict) == {"name", "severity"}
    with pytest.raises(ValidationError) as refused:
        services.create_rule(by=content_manager, kind="vibes", name="x", severity="warn", config={})
    assert set(refused.value.message_dict) == {"kind"}


def test_configs_are_cleaned(content_manager):
    links = services.create_rule(
        by=content_manager,
        kind="links",
        name="Links",
        severity="warn",
        config={
            "allowed_domains": ["https://www.Acme.com/path", "*.acme.fi", "acme.fi"],
            "keep_tracked_link": True,
        },
    )
    length = services.create_rule(
        by=content_manager,
        kind="length",
        name="Short",
        severity="warn",
        config={"networks": ["x", "linkedin"], "max_length": "250"},
    )

    assert current(links).config == {
        "allowed_domains": ["www.acme.com", "acme.fi"],
        "keep_tracked_link": True,
    }
    assert current(length).config == {"networks": ["linkedin", "x"], "max_length": 250}


def test_now_is_the_time_of_the_version(content_manager):
    then = timezone.now() - timedelta(days=3)

    rule = services.create_rule(
        by=content_manager,
        kind="disclosure",
        name="Disclosure",
        severity="block",
        config={"phrases": ["#employee"]},
        now=then,
    )

    assert rule.created_at == then
    assert current(rule).created_at == then
