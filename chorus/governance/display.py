"""Findings as pages show them: the text in pieces, the found parts marked, and each finding."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from chorus.governance.compliance.engine import SEVERITY_RANK, Finding, Severity, describe
from chorus.governance.models import RuleVersion


@dataclass(frozen=True)
class ShownFinding:
    severity: str
    name: str
    message: str
    explanation: str
    excerpt: str = ""


@dataclass(frozen=True)
class Segment:
    text: str
    severity: str = ""  # empty: nothing found in this piece


def segments(text: str, spans: Iterable[tuple[int, int, str]]) -> list[Segment]:
    """``text`` cut into pieces; each found span (start, end, severity) is its own piece.

    Overlapping spans are merged into one piece marked with the worst severity.
    """
    merged: list[list[Any]] = []
    for start, end, severity in sorted(spans):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], end)
            if SEVERITY_RANK[Severity(severity)] > SEVERITY_RANK[Severity(last[2])]:
                last[2] = severity
        else:
            merged.append([start, end, severity])
    pieces = []
    position = 0
    for start, end, severity in merged:
        if start > position:
            pieces.append(Segment(text[position:start]))
        pieces.append(Segment(text[start:end], severity))
        position = end
    if position < len(text):
        pieces.append(Segment(text[position:]))
    return pieces


def shown(findings: Sequence[Finding], text: str) -> list[ShownFinding]:
    return [
        ShownFinding(
            severity=str(f.severity),
            name=f.name,
            message=f.message,
            explanation=f.explanation,
            excerpt=text[f.start : f.end] if f.start is not None and f.end is not None else "",
        )
        for f in findings
    ]


def result_segments(findings: Sequence[Finding], text: str) -> list[Segment]:
    return segments(
        text,
        (
            (f.start, f.end, str(f.severity))
            for f in findings
            if f.start is not None and f.end is not None
        ),
    )


def shown_from_log(logged: Sequence[Mapping[str, Any]], text: str) -> list[ShownFinding]:
    """Findings as an evaluation logged them, with the rule versions' names and explanations."""
    versions = RuleVersion.objects.in_bulk([entry["version"] for entry in logged])
    found = []
    for entry in logged:
        version = versions.get(entry["version"])
        start, end = entry.get("start"), entry.get("end")
        found.append(
            ShownFinding(
                severity=entry["severity"],
                name=version.name if version else "",
                message=describe(entry["code"], entry.get("detail", {})),
                explanation=version.explanation if version else "",
                excerpt=text[start:end] if start is not None and end is not None else "",
            )
        )
    return found


def log_segments(logged: Sequence[Mapping[str, Any]], text: str) -> list[Segment]:
    return segments(
        text,
        (
            (entry["start"], entry["end"], entry["severity"])
            for entry in logged
            if entry.get("start") is not None and entry.get("end") is not None
        ),
    )
