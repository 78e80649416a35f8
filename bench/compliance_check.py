"""Benchmark: checking one post text against an organisation's 1,000 compliance rules.

An organisation gets 1,000 rules (by default) through the rule services: one
confidential term or banned phrase each for most of them (80 % in the default
"any inflected form" mode, 10 % exact, 10 % anywhere inside words, a fifth of them
two-word phrases), plus profanity lists in five languages, personal data, links,
length and disclosure rules. Post texts of about 280 characters in English, German,
Finnish, Polish and Welsh, each with inflected terms, a phone number, an email
address and links, are then checked:

- ``check_text``, the service the composer and the pipeline call (one query for the
  rules' revision, then the compiled rules, cached per process until the next change);
- the compiled rules alone (``RuleSet.check``), with and without the language given;
- the baseline, in the same run: the same rules each compiled on its own and
  checked one after the other (the naive loop), which must find the same.

Times are per text (median and 95th percentile over all runs). The target is the
compiled check of one text against 1,000 rules in under 5 ms.

    .venv/bin/python bench/compliance_check.py [--rules 1000] [--runs 200]
"""

import argparse
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from common import machine, run, setup_django

TARGET_MS = 5.0
SYLLABLES = (
    *("ka", "ko", "ku", "ta", "to", "ti", "pa", "po", "la", "lo", "ma", "mo", "na", "no"),
    *("sa", "so", "ra", "ro", "va", "vo", "ja", "jo", "ke", "ne", "ri", "li", "mi", "vi"),
    *("bro", "stra", "gel", "fin", "dor", "mar", "wen", "tal", "pe", "te"),
)
TEXTS = {
    "en": (
        "Proud of the team behind {a}! The {b} launch went well and {c} is next. "
        "Questions? Call 07700 900123 or write to anna.smith@example.com. Read more at "
        "https://acme.com/news/launch?utm_source=chorus and https://other.test/x #employee"
    ),
    "de": (
        "Stolz auf das Team hinter {a}! Das {b} lief gut und die {c} kommen bald. "
        "Fragen? Ruf an unter 030 12345678 oder schreib an anna.schmidt@example.de. Mehr unter "
        "https://acme.com/news/launch?utm_source=chorus und https://other.test/x #employee"
    ),
    "fi": (
        "Ylpeä tiimistä {a} takana! {b} kaikki meni hyvin ja {c} julkaistaan pian. "
        "Kysyttävää? Soita 040 123 4567 tai kirjoita anna.virtanen@example.fi. Lue lisää "
        "https://acme.com/news/launch?utm_source=chorus ja https://other.test/x #employee"
    ),
    "pl": (
        "Dumna z zespołu {a}! Z {b} wszystko poszło dobrze, a o {c} wkrótce usłyszycie. "
        "Pytania? Zadzwoń: 601 234 567 albo napisz do anna.nowak@example.pl. Więcej na "
        "https://acme.com/news/launch?utm_source=chorus i https://other.test/x #employee"
    ),
    "cy": (
        "Balch o'r tîm y tu ôl i {a}! Aeth ei {b} yn dda ac mae {c} yn dod yn fuan iawn. "
        "Cwestiynau? Ffoniwch 029 2018 0000 neu e-bostiwch anna.jones@example.cymru. Mwy yn "
        "https://acme.com/news/launch?utm_source=chorus a https://other.test/x #employee"
    ),
}
VOWELS = "aeiou"
# How each language's text inflects the term in each slot, and which terms it suits.
FORMS: dict[str, tuple[tuple[Callable[[str], bool], Callable[[str], str]], ...]] = {
    "en": (
        (lambda w: True, lambda w: w + "'s"),
        (lambda w: True, lambda w: w + "s"),
        (lambda w: True, lambda w: w.upper()),
    ),
    "de": (
        (lambda w: True, lambda w: w + "s"),
        (lambda w: True, lambda w: w + "projekt"),
        (lambda w: w[-1] not in VOWELS, lambda w: "Projekt" + w.lower() + "en"),
    ),
    "fi": (
        (lambda w: w[-1] in VOWELS, lambda w: w + "n"),
        (lambda w: w[-1] in VOWELS, lambda w: w + "ssakaan"),
        (lambda w: w[-1] in "ou", lambda w: w + "ihinkin"),
    ),
    "pl": (
        (lambda w: w[-1] not in VOWELS, lambda w: w + "a"),
        (lambda w: w[-1] not in VOWELS, lambda w: w + "em"),
        (lambda w: w[-1] == "a", lambda w: w[:-1] + "ie"),
    ),
    "cy": (
        (lambda w: True, lambda w: w),
        (lambda w: w[0] == "T", lambda w: "th" + w[1:]),
        (lambda w: w[0] == "P", lambda w: "B" + w[1:]),
    ),
}
TRACKED_LINK = "https://acme.com/news/launch?utm_source=chorus"


def code_names(count: int, rng: random.Random) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        names.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize())
    return sorted(names)


def create_rules(count: int) -> Any:
    from chorus.accounts.models import User
    from chorus.governance import services
    from chorus.governance.compliance.profanity import STARTER_LISTS
    from chorus.orgs.models import Membership, Organisation
    from chorus.orgs.roles import Role

    organisation = Organisation.objects.create(name="Benchmark", slug="bench")
    user = User.objects.create_user("manager@bench.test", None, full_name="Manager")
    manager = Membership.objects.create(
        organisation=organisation, user=user, role=Role.CONTENT_MANAGER
    )
    rng = random.Random(2026)
    fixed: list[tuple[str, dict[str, Any], str]] = [
        ("profanity", {"words": STARTER_LISTS}, "warn"),
        ("personal_data", {"detect": ["email", "phone", "iban", "card"]}, "block"),
        ("links", {"allowed_domains": ["acme.com"], "keep_tracked_link": True}, "warn"),
        ("length", {"networks": [], "max_length": None}, "block"),
        ("disclosure", {"phrases": ["#employee"]}, "block"),
    ]
    names = code_names(2 * count, rng)
    for number in range(count - len(fixed)):
        mode = rng.choices(["inflected", "exact", "anywhere"], weights=[8, 1, 1])[0]
        text = names[2 * number]
        if rng.random() < 0.2:
            text += " " + names[2 * number + 1]
        services.create_rule(
            by=manager,
            kind=rng.choice(["confidential_terms", "banned_phrases"]),
            name=f"Rule {number}",
            severity=rng.choice(["block", "review", "warn"]),
            config={"terms": [{"text": text, "mode": mode}]},
        )
    for kind, config, severity in fixed:
        services.create_rule(by=manager, kind=kind, name=kind, severity=severity, config=config)
    return organisation


def texts_with_terms(rule_set: Any, rng: random.Random) -> dict[str, str]:
    """Each language's text, with three inflected-mode single-word terms inflected in it."""
    words = [
        term["text"]
        for rule in rule_set.rules
        for term in rule.config.get("terms", ())
        if term["mode"] == "inflected" and " " not in term["text"]
    ]
    texts = {}
    for language, template in TEXTS.items():
        slots = {
            slot: form(rng.choice([word for word in words if suits(word)]))
            for slot, (suits, form) in zip("abc", FORMS[language], strict=True)
        }
        texts[language] = template.format(**slots)
    return texts


def per_text_ms(check: Callable[[str, str], Any], texts: dict[str, str], runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        for language, text in texts.items():
            started = time.perf_counter()
            check(text, language)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def row(step: str, timings: list[float], detail: str, target: float | None = None) -> bool:
    median = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) > 1 else median
    verdict, met = "", True
    if target is not None:
        met = median <= target
        verdict = f"{'met' if met else 'MISSED'} (≤ {target:g} ms)"
    print(f"| {step} | {median:.3f} | {p95:.3f} | {verdict} | {detail} |")
    return met


def main() -> bool:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=200)
    arguments = parser.parse_args()
    vendor = setup_django()

    from chorus.governance import services
    from chorus.governance.compliance.engine import RuleSet

    started = time.perf_counter()
    organisation = create_rules(arguments.rules)
    setup_seconds = time.perf_counter() - started

    services.COMPILED.clear()
    started = time.perf_counter()
    rule_set = services.rule_set_for(organisation=organisation)
    compile_ms = (time.perf_counter() - started) * 1000
    assert len(rule_set.rules) == arguments.rules, len(rule_set.rules)
    texts = texts_with_terms(rule_set, random.Random(7))

    def service(text: str, language: str) -> Any:
        return services.check_text(
            organisation=organisation, text=text, network="linkedin", link_url=TRACKED_LINK
        )

    def compiled(text: str, language: str) -> Any:
        return rule_set.check(text, network="linkedin", link_url=TRACKED_LINK)

    def compiled_with_language(text: str, language: str) -> Any:
        return rule_set.check(text, network="linkedin", language=language, link_url=TRACKED_LINK)

    singles = [RuleSet([rule]) for rule in rule_set.rules]

    def naive(text: str, language: str) -> list[Any]:
        return [
            finding
            for single in singles
            for finding in single.check(text, network="linkedin", link_url=TRACKED_LINK).findings
        ]

    # Both ways find the same, and every text has its three terms found.
    for language, text in texts.items():
        together = sorted(
            (f.rule_id, f.code, f.start, f.end) for f in compiled(text, language).findings
        )
        alone = sorted((f.rule_id, f.code, f.start, f.end) for f in naive(text, language))
        assert together == alone, (language, together, alone)
        findings = compiled(text, language).findings
        terms = [f for f in findings if f.code.endswith(("term", "phrase"))]
        assert len(terms) >= 3, (language, [text[f.start : f.end] for f in terms])

    from django.db import connection

    version = connection.pg_version if vendor == "postgresql" else ""  # type: ignore[attr-defined]
    title = f"Checking a post against {arguments.rules:,} compliance rules"
    print(f"\n## {title} on {vendor} {version}\n")
    print(f"Machine: {machine()}  ")
    print(
        f"Set-up (creating the rules through the services): {setup_seconds:.1f} s; "
        f"compiling them once: {compile_ms:.0f} ms "
        "(then cached per process until a rule changes).  "
    )
    print(
        f"Texts: {len(texts)} of about {statistics.mean(map(len, texts.values())):.0f} characters "
        f"(en, de, fi, pl, cy), each checked {arguments.runs} times; times per text.\n"
    )
    print("| step | median ms | p95 ms | target | detail |")
    print("|---|---:|---:|---|---|")
    met = row(
        "compiled rules, language guessed",
        per_text_ms(compiled, texts, arguments.runs),
        "RuleSet.check: every rule kind, inflections of the guessed language",
        TARGET_MS,
    )
    row(
        "compiled rules, language given",
        per_text_ms(compiled_with_language, texts, arguments.runs),
        "RuleSet.check with language=",
    )
    row(
        "check_text service",
        per_text_ms(service, texts, arguments.runs),
        "one query for the rules' revision, then the cached compiled rules",
    )
    naive_runs = max(1, arguments.runs // 50)
    row(
        "baseline: each rule on its own, in a loop",
        per_text_ms(naive, texts, naive_runs),
        f"the same {arguments.rules:,} rules compiled one by one; {naive_runs} runs per text",
    )
    return met


if __name__ == "__main__":
    run(main)
