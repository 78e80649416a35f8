"""check_text and record_evaluation against an organisation's rules in the database."""

from typing import Any

import pytest

from chorus.governance import services
from chorus.governance.compliance.engine import ComplianceResult
from chorus.governance.models import Evaluation, RuleSnapshot
from chorus.governance.tests.helpers import current
from chorus.orgs.models import Organisation
from chorus.publishing.models import text_fingerprint


def _check(organisation: Organisation, text: str, **kwargs: Any) -> ComplianceResult:
    return services.check_text(organisation=organisation, text=text, network="linkedin", **kwargs)


def test_the_organisations_active_rules_are_applied(organisation, confidential):
    result = _check(organisation, "Kerroimme Kuutamosta eilen.")

    assert result.blocks
    finding = result.findings[0]
    assert (finding.rule_id, finding.version_id) == (
        confidential.pk,
        confidential.current_version_id,
    )
    assert finding.explanation == "Unreleased products stay internal."
    assert result.version_ids == (confidential.current_version_id,)


def test_a_change_to_a_rule_applies_at_once(organisation, confidential, content_manager):
    assert _check(organisation, "Jastrzębia widać").outcome == "pass"

    services.update_rule(
        by=content_manager,
        rule=confidential,
        name="Code names",
        severity="warn",
        config={"terms": [{"text": "Kuutamo"}, {"text": "Jastrząb"}]},
    )

    result = _check(organisation, "Jastrzębia widać")
    assert result.outcome == "warn"
    confidential.refresh_from_db()
    assert result.version_ids == (confidential.current_version_id,)


def test_switched_off_and_deleted_rules_are_not_applied(
    organisation, confidential, content_manager
):
    services.update_rule(
        by=content_manager,
        rule=confidential,
        name="Code names",
        severity="block",
        config=current(confidential).config,
        is_active=False,
    )
    assert _check(organisation, "Kuutamo").findings == ()

    services.update_rule(
        by=content_manager,
        rule=confidential,
        name="Code names",
        severity="block",
        config=current(confidential).config,
        is_active=True,
    )
    assert _check(organisation, "Kuutamo").blocks

    services.delete_rule(by=content_manager, rule=confidential)
    assert _check(organisation, "Kuutamo").findings == ()


def test_another_organisations_rules_do_not_apply(other_organisation, confidential):
    assert _check(other_organisation, "Kuutamo").findings == ()


def test_an_evaluation_logs_the_rule_versions_it_used(
    organisation, confidential, content_manager, employee
):
    disclosure = services.create_rule(
        by=content_manager,
        kind="disclosure",
        name="Disclosure",
        severity="block",
        config={"phrases": ["#employee"]},
    )
    text = "Kuutamossa on uutta. Soita 040 123 4567"
    result = _check(organisation, text, language="fi")

    evaluation = services.record_evaluation(
        organisation=organisation, result=result, stage="draft", member=employee
    )

    assert evaluation.outcome == "block"
    assert evaluation.languages == ["fi"]
    assert evaluation.text_sha256 == text_fingerprint(text)
    assert sorted(evaluation.snapshot.version_ids) == sorted(
        [confidential.current_version_id, disclosure.current_version_id]
    )
    assert {v.rule_id for v in evaluation.snapshot.versions()} == {confidential.pk, disclosure.pk}
    assert [f["code"] for f in evaluation.findings] == ["confidential_term", "disclosure_missing"]
    assert evaluation.findings[0] == {
        "rule": confidential.pk,
        "version": confidential.current_version_id,
        "severity": "block",
        "code": "confidential_term",
        "detail": {"term": "Kuutamo"},
        "start": 0,
        "end": 10,
    }


def test_the_same_set_of_versions_is_stored_once(organisation, confidential):
    for text in ("Kuutamo", "nothing", "Kuutamon"):
        services.record_evaluation(
            organisation=organisation, result=_check(organisation, text), stage="draft"
        )

    assert Evaluation.objects.count() == 3
    assert RuleSnapshot.objects.count() == 1


def test_an_evaluation_with_no_rules_at_all(organisation):
    evaluation = services.record_evaluation(
        organisation=organisation, result=_check(organisation, "anything"), stage="approval"
    )

    assert evaluation.outcome == "pass"
    assert evaluation.snapshot.version_ids == []


def test_evaluate_checks_and_logs_in_one_call(organisation, confidential, employee):
    result, evaluation = services.evaluate(
        organisation=organisation, text="Kuutamon", network="x", stage="draft", member=employee
    )

    assert result.blocks
    assert evaluation.member == employee
    assert evaluation.network == "x"


@pytest.mark.parametrize(
    ("language", "languages"), [("de", ["de"]), (None, ["cy", "de", "en", "fi", "pl"])]
)
def test_the_languages_used_are_logged(organisation, language, languages):
    evaluation = services.record_evaluation(
        organisation=organisation,
        result=_check(organisation, "Hallo", language=language),
        stage="draft",
    )

    assert evaluation.languages == languages


def test_the_blocking_error_carries_message_and_explanation(organisation, confidential):
    error = services.blocking_error(_check(organisation, "Kuutamo"))

    assert error.message_dict == {
        "text": ["“Kuutamo” is confidential. Unreleased products stay internal."]
    }


def test_compiled_rules_are_reused_until_a_rule_changes(organisation, confidential, owner):
    first = services.rule_set_for(organisation=organisation)
    assert services.rule_set_for(organisation=organisation) is first

    services.delete_rule(by=owner, rule=confidential)

    assert services.rule_set_for(organisation=organisation) is not first
    assert services.rule_set_for(organisation=organisation).rules == ()
