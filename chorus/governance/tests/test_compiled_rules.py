"""All rules compiled together find exactly what each rule finds on its own."""

import random

from chorus.governance.compliance.engine import Finding, RuleKind, RuleSet, RuleSpec, Severity
from chorus.governance.compliance.profanity import STARTER_LISTS
from chorus.governance.tests.helpers import rule

TERMS = [
    ("Kuutamo", "inflected"),
    ("Jastrząb", "inflected"),
    ("Falke", "inflected"),
    ("Project Falcon", "inflected"),
    ("Prosiect", "inflected"),
    ("Nova", "exact"),
    ("vitu", "anywhere"),
    ("#ad", "inflected"),
    ("Virtanen", "inflected"),
    ("Kraków", "exact"),
]
TEXTS = [
    "Kuutamossa ja Jastrzębiem, Falkeprojekt, project falcons, mhrosiect, Novak and Nova",
    "Vitun Virtaselle #ad, Krakowie i Kraków, anna@firma.pl 040 123 4567",
    "Nothing at all here, https://evil.test/x",
    "Die Projektfalken und ein Kuutamoakaan; DE89 3704 0044 0532 0130 00",
]


def _rules() -> list[RuleSpec]:
    rules = [
        rule(
            RuleKind.CONFIDENTIAL_TERMS if n % 2 else RuleKind.BANNED_PHRASES,
            {"terms": [{"text": text, "mode": mode}]},
            severity=random.Random(n).choice(list(Severity)),
        )
        for n, (text, mode) in enumerate(TERMS)
    ]
    rules += [
        rule(RuleKind.PROFANITY, {"words": STARTER_LISTS}),
        rule(RuleKind.PERSONAL_DATA, {"detect": ["email", "phone", "iban", "card"]}),
        rule(RuleKind.LINKS, {"allowed_domains": ["acme.com"], "keep_tracked_link": True}),
        rule(RuleKind.LENGTH, {"networks": [], "max_length": 60}),
        rule(RuleKind.DISCLOSURE, {"phrases": ["#employee"]}),
    ]
    return rules


def _key(finding: Finding) -> tuple[int, str, int | None, int | None]:
    return (finding.rule_id, finding.code, finding.start, finding.end)


def test_the_compiled_set_equals_each_rule_checked_alone():
    rules = _rules()
    together = RuleSet(rules)
    alone = [RuleSet([r]) for r in rules]

    for text in TEXTS:
        for language in (None, "en", "de", "fi", "pl", "cy"):
            expected = sorted(
                (
                    _key(f)
                    for single in alone
                    for f in single.check(
                        text, network="x", language=language, link_url="https://acme.com/t"
                    ).findings
                ),
                key=repr,
            )
            found = sorted(
                (
                    _key(f)
                    for f in together.check(
                        text, network="x", language=language, link_url="https://acme.com/t"
                    ).findings
                ),
                key=repr,
            )
            assert found == expected, (text, language)
            assert found  # every text has something to find


def test_terms_of_many_rules_find_their_own_rule():
    rules = [
        rule(RuleKind.CONFIDENTIAL_TERMS, {"terms": [{"text": f"Codename{n}"}]}) for n in range(300)
    ]
    result = RuleSet(rules).check("Codename7s and Codename299", network="x", language="en")

    assert [f.rule_id for f in result.findings] == [rules[7].rule_id, rules[299].rule_id]
