"""Rules for engine tests (built without the database), and typed shortcuts for the others."""

from itertools import count
from typing import Any

from chorus.audit.models import AuditEvent
from chorus.governance.compliance.engine import RuleKind, RuleSet, RuleSpec, Severity
from chorus.governance.models import ComplianceRule, RuleVersion

_ids = count(1)


def rule(
    kind: RuleKind, config: dict[str, Any], *, severity: Severity = Severity.BLOCK, name: str = ""
) -> RuleSpec:
    number = next(_ids)
    return RuleSpec(
        rule_id=number,
        version_id=number,
        kind=kind,
        name=name or f"{kind} {number}",
        severity=severity,
        explanation=f"Why rule {number} exists",
        config=config,
    )


def terms(*texts: str, mode: str = "inflected", severity: Severity = Severity.BLOCK) -> RuleSpec:
    return rule(
        RuleKind.CONFIDENTIAL_TERMS,
        {"terms": [{"text": text, "mode": mode} for text in texts]},
        severity=severity,
    )


def excerpts(
    text: str,
    *rules: RuleSpec,
    language: str | None = None,
    network: str = "linkedin",
    link_url: str = "",
) -> list[str]:
    """The parts of ``text`` the rules found, in order."""
    result = RuleSet(rules).check(text, network=network, language=language, link_url=link_url)
    return [text[f.start : f.end] for f in result.findings if f.start is not None]


def matches(word: str, term: str, *, language: str | None, mode: str = "inflected") -> bool:
    return bool(excerpts(word, terms(term, mode=mode), language=language))


def current(rule: ComplianceRule) -> RuleVersion:
    """The rule's current version (every saved rule has one)."""
    assert rule.current_version is not None
    return rule.current_version


def after(event: AuditEvent) -> dict[str, Any]:
    assert isinstance(event.after, dict)
    return event.after


def before(event: AuditEvent) -> dict[str, Any]:
    assert isinstance(event.before, dict)
    return event.before
