"""Disclosure, profanity, links and length rules."""

import pytest

from chorus.governance.compliance.engine import RuleKind, RuleSet, RuleSpec, Severity
from chorus.governance.compliance.profanity import STARTER_LISTS
from chorus.governance.tests.helpers import excerpts, rule


def codes(
    text: str,
    *rules: RuleSpec,
    network: str = "linkedin",
    language: str | None = None,
    link_url: str = "",
) -> list[str]:
    result = RuleSet(rules).check(text, network=network, language=language, link_url=link_url)
    return [f.code for f in result.findings]


# Disclosure


@pytest.mark.parametrize(
    "text",
    [
        "Proud of our launch #employee",
        "Stolz auf unser Team. #EMPLOYEE",
        "Ylpeä tiimistä #Employee",
        "Dumny z zespołu #employee",
        "Balch o'r tîm #employee",
    ],
)
def test_disclosure_present_in_any_case(text):
    disclosure = rule(RuleKind.DISCLOSURE, {"phrases": ["#employee"]})

    assert codes(text, disclosure) == []


def test_disclosure_missing_is_a_finding_and_any_listed_phrase_will_do():
    disclosure = rule(RuleKind.DISCLOSURE, {"phrases": ["#employee", "Ich arbeite bei Acme"]})

    assert codes("Great launch!", disclosure) == ["disclosure_missing"]
    assert codes("Toller Start! Ich ärbeite bei ACME.", disclosure) == []


# Profanity


@pytest.mark.parametrize(
    ("language", "text", "word"),
    [
        ("en", "What a shitty launch, total bullshit", "bullshit"),
        ("en", "These bastards!", "bastards"),
        ("de", "So eine Scheiße!", "Scheiße"),
        ("de", "Was für ein Scheißtag", "Scheißtag"),
        ("de", "Diese Arschlöcher", "Arschlöcher"),
        ("fi", "Voi vitun vitun juttu", "vitun"),
        ("fi", "Ihan paskaa koko homma", "paskaa"),
        ("fi", "Perkeleen kone", "Perkeleen"),
        ("pl", "Kurwy wszędzie", "Kurwy"),
        ("pl", "Co za chujem jest", "chujem"),
        ("cy", "Dyna gachu llwyr", "gachu"),
        ("cy", "Mae'n chachu", "chachu"),
    ],
)
def test_profanity_in_inflected_and_mutated_forms(language, text, word):
    profanity = rule(RuleKind.PROFANITY, {"words": STARTER_LISTS}, severity=Severity.WARN)

    assert word in excerpts(text, profanity, language=language)


def test_a_language_list_applies_only_to_texts_in_that_language():
    mist = rule(RuleKind.PROFANITY, {"words": {"de": ["Mist"]}})

    assert excerpts("So ein Mist", mist, language="de") == ["Mist"]
    assert excerpts("Morning mist over the bay", mist, language="en") == []
    # Without a language given, it is guessed from the text.
    assert excerpts("The morning mist over the bay is lovely", mist) == []
    assert excerpts("Das ist so ein Mist und wir haben keine Zeit", mist) == ["Mist"]


def test_every_starter_list_has_words_in_all_five_languages():
    assert set(STARTER_LISTS) == {"en", "de", "fi", "pl", "cy"}
    assert all(STARTER_LISTS.values())


# Links


def test_links_only_to_allowed_domains_and_their_subdomains():
    links = rule(RuleKind.LINKS, {"allowed_domains": ["acme.com"], "keep_tracked_link": False})
    text = (
        "Read https://acme.com/news, https://blog.acme.com/x and www.acme.com/y; "
        "not https://acme.com.evil.test/z or http://bit.ly/abc."
    )

    assert excerpts(text, links) == ["https://acme.com.evil.test/z", "http://bit.ly/abc"]


def test_the_tracked_link_must_stay_and_is_always_allowed():
    links = rule(RuleKind.LINKS, {"allowed_domains": ["acme.com"], "keep_tracked_link": True})
    tracked = "https://go.partner.test/r/abc123"

    assert codes(f"Read more: {tracked}", links, link_url=tracked) == []
    assert codes("Read more: https://go.partner.test/r/other", links, link_url=tracked) == [
        "link_not_allowed",
        "tracked_link_missing",
    ]


def test_without_a_tracked_link_nothing_needs_keeping():
    links = rule(RuleKind.LINKS, {"allowed_domains": [], "keep_tracked_link": True})

    assert codes("No link at all", links) == []


# Length


def test_the_network_limit_as_the_network_counts():
    length = rule(RuleKind.LENGTH, {"networks": [], "max_length": None})

    assert codes("x" * 280, length, network="x") == []
    assert codes("x" * 281, length, network="x") == ["too_long"]
    # X counts every link as 23 characters, however long it is.
    assert codes("x" * 250 + " https://acme.com/" + "a" * 100, length, network="x") == []
    assert codes("x" * 3000, length, network="linkedin") == []


def test_a_stricter_limit_and_networks_the_rule_is_for():
    length = rule(RuleKind.LENGTH, {"networks": ["linkedin"], "max_length": 100})
    result = RuleSet([length]).check("x" * 120, network="linkedin")

    assert [f.detail for f in result.findings] == [{"over": 20, "network": "LinkedIn"}]
    assert result.findings[0].message == "20 characters too long for LinkedIn."
    assert codes("x" * 120, length, network="mastodon") == []


# Severities


def test_the_outcome_is_the_worst_severity_found():
    warn = rule(RuleKind.CONFIDENTIAL_TERMS, {"terms": [{"text": "beta"}]}, severity=Severity.WARN)
    review = rule(
        RuleKind.BANNED_PHRASES, {"terms": [{"text": "guaranteed"}]}, severity=Severity.REVIEW
    )
    block = rule(
        RuleKind.CONFIDENTIAL_TERMS, {"terms": [{"text": "Falcon"}]}, severity=Severity.BLOCK
    )
    rules = RuleSet([warn, review, block])

    assert rules.check("Nothing here", network="x").outcome == "pass"
    assert rules.check("The beta", network="x").outcome == "warn"
    assert rules.check("The beta, guaranteed", network="x").outcome == "review"
    result = rules.check("The beta, guaranteed, Falcon", network="x")
    assert result.outcome == "block"
    assert result.blocks and not result.needs_review
    assert [f.code for f in result.findings] == [
        "confidential_term",
        "banned_phrase",
        "confidential_term",
    ]
    assert result.findings[1].message == "“guaranteed” is a banned phrase."
    assert result.findings[1].explanation == review.explanation
    assert result.version_ids == tuple(sorted(r.version_id for r in (warn, review, block)))
