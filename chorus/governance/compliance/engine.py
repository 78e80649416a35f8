"""Checking a text against an organisation's compiled rules.

``RuleSet`` compiles the rules once (every term of every rule into one
``TermMatcher``); ``RuleSet.check`` then runs each kind of check once per text,
however many rules there are, and hands every rule the findings that concern it.
Nothing here touches the database: ``chorus.governance.services`` loads the rules,
caches the compiled set and logs evaluations.
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any, cast

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chorus.governance.compliance.language_guess import guess_languages
from chorus.governance.compliance.languages import SUPPORTED
from chorus.governance.compliance.links import clean_domain, find_links, is_allowed
from chorus.governance.compliance.personal_data import DataKind, find_personal_data
from chorus.governance.compliance.terms import MatchMode, Term, TermMatcher
from chorus.governance.compliance.text import Folded, fold
from chorus.networks.networks import PROFILES, profile_for
from chorus.networks.text import remaining


class RuleKind(StrEnum):
    DISCLOSURE = "disclosure"
    BANNED_PHRASES = "banned_phrases"
    CONFIDENTIAL_TERMS = "confidential_terms"
    PERSONAL_DATA = "personal_data"
    PROFANITY = "profanity"
    LINKS = "links"
    LENGTH = "length"


TERM_KINDS = frozenset({RuleKind.BANNED_PHRASES, RuleKind.CONFIDENTIAL_TERMS})


class Severity(StrEnum):
    WARN = "warn"
    REVIEW = "review"
    BLOCK = "block"


SEVERITY_RANK = {Severity.WARN: 1, Severity.REVIEW: 2, Severity.BLOCK: 3}
NO_FINDINGS = "pass"


@dataclass(frozen=True)
class RuleSpec:
    """One rule as of one version: what the checks need, without the database."""

    rule_id: int
    version_id: int
    kind: RuleKind
    name: str
    severity: Severity
    explanation: str
    config: Mapping[str, Any]


@dataclass(frozen=True)
class Finding:
    rule_id: int
    version_id: int
    kind: RuleKind
    name: str
    severity: Severity
    explanation: str
    code: str
    # What was found, never the personal data itself (findings are logged).
    detail: Mapping[str, Any] = field(default_factory=dict)
    # The span in the checked text, when the finding is about a part of it.
    start: int | None = None
    end: int | None = None

    @property
    def message(self) -> str:
        return describe(self.code, self.detail)

    def as_log(self) -> dict[str, Any]:
        return {
            "rule": self.rule_id,
            "version": self.version_id,
            "severity": str(self.severity),
            "code": self.code,
            "detail": dict(self.detail),
            "start": self.start,
            "end": self.end,
        }


DATA_KIND_NAMES = {
    DataKind.EMAIL: lambda: _("an email address"),
    DataKind.PHONE: lambda: _("a phone number"),
    DataKind.IBAN: lambda: _("a bank account number (IBAN)"),
    DataKind.CARD: lambda: _("a payment card number"),
}


def describe(code: str, detail: Mapping[str, Any]) -> str:
    """A finding in words, in the active language."""
    if code == "disclosure_missing":
        return _("The disclosure is missing: add “%(phrase)s”.") % {"phrase": detail["phrase"]}
    if code == "banned_phrase":
        return _("“%(term)s” is a banned phrase.") % {"term": detail["term"]}
    if code == "confidential_term":
        return _("“%(term)s” is confidential.") % {"term": detail["term"]}
    if code == "personal_data":
        what = DATA_KIND_NAMES[DataKind(detail["data"])]()
        return _("This looks like %(what)s.") % {"what": what}
    if code == "profanity":
        return _("“%(word)s” is on the list of words not to use.") % {"word": detail["word"]}
    if code == "link_not_allowed":
        return _("Links to %(host)s are not allowed.") % {"host": detail["host"]}
    if code == "tracked_link_missing":
        return _("Keep the campaign's link %(link)s in the post.") % {"link": detail["link"]}
    if code == "too_long":
        return ngettext(
            "%(count)d character too long for %(network)s.",
            "%(count)d characters too long for %(network)s.",
            detail["over"],
        ) % {"count": detail["over"], "network": detail["network"]}
    return code


@dataclass(frozen=True)
class ComplianceResult:
    text: str
    network: str
    languages: frozenset[str]
    findings: tuple[Finding, ...]
    # Every rule version the text was checked against, found or not.
    version_ids: tuple[int, ...]

    @cached_property
    def outcome(self) -> str:
        """The worst severity found, or "pass"."""
        if not self.findings:
            return NO_FINDINGS
        return str(max((f.severity for f in self.findings), key=SEVERITY_RANK.__getitem__))

    @property
    def blocks(self) -> bool:
        return self.outcome == Severity.BLOCK

    @property
    def needs_review(self) -> bool:
        return self.outcome == Severity.REVIEW

    def of_severity(self, severity: Severity) -> list[Finding]:
        return [f for f in self.findings if f.severity == severity]

    @property
    def with_excerpts(self) -> list[tuple[Finding, str]]:
        """Each finding with the part of the text it is about (empty for the whole text)."""
        return [
            (f, self.text[f.start : f.end] if f.start is not None and f.end is not None else "")
            for f in self.findings
        ]


def resolve_languages(language: str | None, folded: Folded) -> frozenset[str]:
    code = (language or "").split("-")[0].lower()
    if code in SUPPORTED:
        return frozenset({code})
    return guess_languages(token.word for token in folded.tokens)


class RuleSet:
    """An organisation's rules, compiled for checking many texts."""

    def __init__(self, rules: Iterable[RuleSpec]) -> None:
        self.rules: tuple[RuleSpec, ...] = tuple(rules)
        self.version_ids = tuple(sorted(rule.version_id for rule in self.rules))
        self.matcher = TermMatcher(self._terms())
        self._by_kind: dict[RuleKind, list[int]] = {}
        for index, rule in enumerate(self.rules):
            self._by_kind.setdefault(rule.kind, []).append(index)

    def _terms(self) -> Iterable[Term]:
        for index, rule in enumerate(self.rules):
            if rule.kind in TERM_KINDS:
                for term in rule.config.get("terms", ()):
                    mode = MatchMode(term.get("mode", MatchMode.INFLECTED))
                    yield Term(text=term["text"], key=(index, term["text"]), mode=mode)
            elif rule.kind == RuleKind.PROFANITY:
                for language, words in rule.config.get("words", {}).items():
                    for word in words:
                        yield Term(text=word, key=(index, word), languages=frozenset({language}))

    def check(
        self, text: str, *, network: str, language: str | None = None, link_url: str = ""
    ) -> ComplianceResult:
        folded = Folded(text)
        languages = resolve_languages(language, folded)
        findings: list[Finding] = []
        findings += self._term_findings(folded, languages)
        if RuleKind.DISCLOSURE in self._by_kind:
            findings += self._disclosure_findings(folded)
        if RuleKind.PERSONAL_DATA in self._by_kind:
            findings += self._personal_data_findings(text)
        if RuleKind.LINKS in self._by_kind:
            findings += self._link_findings(text, link_url)
        if RuleKind.LENGTH in self._by_kind:
            findings += self._length_findings(text, network)
        findings.sort(key=lambda f: (f.start is None, f.start or 0, -SEVERITY_RANK[f.severity]))
        return ComplianceResult(
            text=text,
            network=network,
            languages=languages,
            findings=tuple(findings),
            version_ids=self.version_ids,
        )

    def _finding(
        self,
        index: int,
        code: str,
        detail: Mapping[str, Any],
        *,
        start: int | None = None,
        end: int | None = None,
    ) -> Finding:
        rule = self.rules[index]
        return Finding(
            rule_id=rule.rule_id,
            version_id=rule.version_id,
            kind=rule.kind,
            name=rule.name,
            severity=rule.severity,
            explanation=rule.explanation,
            code=code,
            detail=detail,
            start=start,
            end=end,
        )

    def _term_findings(self, folded: Folded, languages: frozenset[str]) -> list[Finding]:
        if not len(self.matcher):
            return []
        seen: set[tuple[Hashable, int, int]] = set()
        findings = []
        for hit in self.matcher.find(folded, languages=languages):
            if (hit.key, hit.start, hit.end) in seen:
                continue
            seen.add((hit.key, hit.start, hit.end))
            index, term = cast(tuple[int, str], hit.key)
            kind = self.rules[index].kind
            if kind == RuleKind.PROFANITY:
                code, detail = "profanity", {"word": term}
            elif kind == RuleKind.BANNED_PHRASES:
                code, detail = "banned_phrase", {"term": term}
            else:
                code, detail = "confidential_term", {"term": term}
            findings.append(self._finding(index, code, detail, start=hit.start, end=hit.end))
        return findings

    def _disclosure_findings(self, folded: Folded) -> list[Finding]:
        findings = []
        for index in self._by_kind[RuleKind.DISCLOSURE]:
            phrases = [p for p in self.rules[index].config.get("phrases", ()) if fold(p)]
            if phrases and not any(fold(phrase) in folded.text for phrase in phrases):
                findings.append(self._finding(index, "disclosure_missing", {"phrase": phrases[0]}))
        return findings

    def _personal_data_findings(self, text: str) -> list[Finding]:
        found = find_personal_data(text)
        findings = []
        for index in self._by_kind[RuleKind.PERSONAL_DATA]:
            wanted = set(self.rules[index].config.get("detect", list(DataKind)))
            for item in found:
                if item.kind in wanted:
                    findings.append(
                        self._finding(
                            index,
                            "personal_data",
                            {"data": str(item.kind)},
                            start=item.start,
                            end=item.end,
                        )
                    )
        return findings

    def _link_findings(self, text: str, link_url: str) -> list[Finding]:
        links = find_links(text)
        findings = []
        for index in self._by_kind[RuleKind.LINKS]:
            config = self.rules[index].config
            domains = frozenset(filter(None, map(clean_domain, config.get("allowed_domains", ()))))
            if domains:
                for link in links:
                    if link_url and link.url == link_url:
                        continue  # the campaign chose its own link
                    if not is_allowed(link.host, domains):
                        findings.append(
                            self._finding(
                                index,
                                "link_not_allowed",
                                {"host": link.host or link.url},
                                start=link.start,
                                end=link.end,
                            )
                        )
            if config.get("keep_tracked_link", True) and link_url and link_url not in text:
                findings.append(self._finding(index, "tracked_link_missing", {"link": link_url}))
        return findings

    def _length_findings(self, text: str, network: str) -> list[Finding]:
        if network not in PROFILES:
            return []
        profile = profile_for(network)
        length = profile.max_length - remaining(text, network=network)
        findings = []
        for index in self._by_kind[RuleKind.LENGTH]:
            config = self.rules[index].config
            networks = config.get("networks") or []
            if networks and network not in networks:
                continue
            limit = profile.max_length
            if config.get("max_length"):
                limit = min(limit, int(config["max_length"]))
            if length > limit:
                detail = {"over": length - limit, "network": str(profile.network.label)}
                findings.append(self._finding(index, "too_long", detail))
        return findings
