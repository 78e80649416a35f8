"""The rule management pages."""

import pytest

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.governance.models import ComplianceRule, Evaluation
from chorus.governance.tests.helpers import current

RULES = "/o/acme/governance/rules/"


def test_the_list_shows_each_rule_with_its_severity_and_version(
    login, content_manager, confidential
):
    page = login(content_manager).get(RULES)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Code names" in html
    assert "Block the post" in html
    assert f"/o/acme/governance/rules/{confidential.pk}/" in html


def test_a_new_rule_starts_by_choosing_its_kind(login, content_manager):
    page = login(content_manager).get(RULES + "new/")

    html = page.content.decode()
    assert "?kind=confidential_terms" in html
    assert "?kind=profanity" in html


def test_the_profanity_form_starts_from_the_starter_lists(login, content_manager):
    page = login(content_manager).get(RULES + "new/?kind=profanity")

    html = page.content.decode()
    assert "vittu" in html
    assert "Scheiße" in html
    assert "kurwa" in html
    assert "cachu" in html


def test_creating_a_rule_of_terms_with_a_mode_for_each(login, admin):
    response = login(admin).post(
        RULES + "new/?kind=confidential_terms",
        {
            "name": "Code names",
            "severity": "review",
            "explanation": "Internal only",
            "is_active": "on",
            "inflected_terms": "Kuutamo\nJastrząb\n",
            "exact_terms": "Nova",
            "anywhere_terms": "falc",
        },
    )

    assert response.status_code == 302
    rule = ComplianceRule.objects.get()
    assert current(rule).config == {
        "terms": [
            {"text": "Kuutamo", "mode": "inflected"},
            {"text": "Jastrząb", "mode": "inflected"},
            {"text": "Nova", "mode": "exact"},
            {"text": "falc", "mode": "anywhere"},
        ]
    }
    assert AuditEvent.objects.filter(action=AuditAction.COMPLIANCE_RULE_CREATED).count() == 1


def test_a_bad_rule_is_shown_again_with_the_reason(login, content_manager):
    response = login(content_manager).post(
        RULES + "new/?kind=links",
        {"name": "Links", "severity": "warn", "allowed_domains": "not a domain"},
    )

    assert response.status_code == 200
    assert "“not a domain” is not a domain." in response.content.decode()
    assert not ComplianceRule.objects.exists()


def test_editing_saves_a_new_version_and_lists_the_versions(login, content_manager, confidential):
    client = login(content_manager)
    response = client.post(
        f"{RULES}{confidential.pk}/",
        {
            "name": "Code names",
            "severity": "warn",
            "is_active": "on",
            "inflected_terms": "Kuutamo\nFalke",
            "exact_terms": "",
            "anywhere_terms": "",
        },
    )

    assert response.status_code == 302
    confidential.refresh_from_db()
    assert current(confidential).number == 2
    page = client.get(f"{RULES}{confidential.pk}/").content.decode()
    assert "Kuutamo\nFalke" in page
    assert "Versions" in page


def test_deleting_a_rule(login, content_manager, confidential):
    response = login(content_manager).post(f"{RULES}{confidential.pk}/delete/")

    assert response.status_code == 302
    confidential.refresh_from_db()
    assert confidential.deleted_at is not None
    assert login(content_manager).get(f"{RULES}{confidential.pk}/").status_code == 404


def test_trying_a_text_marks_what_was_found_and_logs_nothing(login, content_manager, confidential):
    response = login(content_manager).post(
        RULES + "try/",
        {"text": "Kerroimme <b>Kuutamosta</b> eilen", "network": "linkedin", "language": "fi"},
    )

    html = response.content.decode()
    assert '<mark class="finding-block">Kuutamosta</mark>' in html
    assert "&lt;b&gt;" in html  # the text is escaped
    assert "“Kuutamo” is confidential." in html
    assert "Unreleased products stay internal." in html
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize(
    ("kind", "data", "config"),
    [
        ("disclosure", {"phrases": "#employee\n#ad"}, {"phrases": ["#employee", "#ad"]}),
        (
            "personal_data",
            {"detect": ["email", "iban"]},
            {"detect": ["email", "iban"]},
        ),
        (
            "profanity",
            {"words_en": "darn", "words_de": "", "words_fi": "", "words_pl": "", "words_cy": ""},
            {"words": {"cy": [], "de": [], "en": ["darn"], "fi": [], "pl": []}},
        ),
        (
            "links",
            {"allowed_domains": "acme.com", "keep_tracked_link": "on"},
            {"allowed_domains": ["acme.com"], "keep_tracked_link": True},
        ),
        (
            "length",
            {"networks": ["x"], "max_length": "200"},
            {"networks": ["x"], "max_length": 200},
        ),
    ],
)
def test_every_kind_of_rule_through_its_form(login, content_manager, kind, data, config):
    client = login(content_manager)
    assert client.get(f"{RULES}new/?kind={kind}").status_code == 200

    response = client.post(
        f"{RULES}new/?kind={kind}", {"name": kind, "severity": "warn", "is_active": "on", **data}
    )

    assert response.status_code == 302
    assert current(ComplianceRule.objects.get()).config == config
