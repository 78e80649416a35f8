"""What each kind of compliance rule holds in its ``config``, cleaned and checked.

Every rule version stores a config dict; these functions turn what an administrator
entered into that dict, or raise a ValidationError naming the field at fault.
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from chorus.governance.compliance.languages import SUPPORTED
from chorus.governance.compliance.links import clean_domain
from chorus.governance.compliance.personal_data import DataKind
from chorus.governance.compliance.profanity import STARTER_LISTS
from chorus.governance.compliance.text import WORD, fold
from chorus.governance.models import MatchMode, RuleKind
from chorus.networks.networks import PROFILES

MAX_TERMS = 5000
MAX_TERM_LENGTH = 200
MAX_PHRASES = 50
MAX_DOMAINS = 500

type Config = dict[str, Any]
type FieldErrors = dict[str, list[ValidationError]]


def _add(errors: FieldErrors, field: str, message: str, code: str) -> None:
    errors.setdefault(field, []).append(ValidationError(message, code=code))


def _lines(values: Iterable[Any]) -> list[str]:
    """Each distinct non-empty entry once, trimmed, in the order given (case-insensitively)."""
    seen: set[str] = set()
    kept = []
    for value in values:
        text = " ".join(str(value).split())
        key = fold(text)
        if text and key not in seen:
            seen.add(key)
            kept.append(text)
    return kept


def _terms(config: Mapping[str, Any], errors: FieldErrors) -> Config:
    terms = []
    seen: set[tuple[str, str]] = set()
    for entry in config.get("terms", ()):
        text = " ".join(str(entry.get("text", "")).split())
        mode = entry.get("mode") or MatchMode.INFLECTED
        if not text:
            continue
        if mode not in MatchMode.values:
            _add(errors, "terms", _("Unknown match mode “%(mode)s”.") % {"mode": mode}, "mode")
            continue
        if len(text) > MAX_TERM_LENGTH:
            _add(
                errors,
                "terms",
                _("“%(term)s…” is longer than %(max)d characters.")
                % {"term": text[:30], "max": MAX_TERM_LENGTH},
                "too_long",
            )
            continue
        if mode != MatchMode.ANYWHERE and not WORD.search(text):
            _add(
                errors,
                "terms",
                _("“%(term)s” has no letters or digits to match as a word.") % {"term": text},
                "no_word",
            )
            continue
        if (fold(text), mode) not in seen:
            seen.add((fold(text), mode))
            terms.append({"text": text, "mode": mode})
    if not terms and "terms" not in errors:
        _add(errors, "terms", _("Add at least one term."), "required")
    if len(terms) > MAX_TERMS:
        _add(errors, "terms", _("At most %(max)d terms.") % {"max": MAX_TERMS}, "too_many")
    return {"terms": terms}


def _disclosure(config: Mapping[str, Any], errors: FieldErrors) -> Config:
    phrases = _lines(config.get("phrases", ()))
    if not phrases:
        _add(errors, "phrases", _("Add the disclosure every post must carry."), "required")
    elif len(phrases) > MAX_PHRASES:
        _add(errors, "phrases", _("At most %(max)d phrases.") % {"max": MAX_PHRASES}, "too_many")
    return {"phrases": phrases}


def _personal_data(config: Mapping[str, Any], errors: FieldErrors) -> Config:
    detect = [kind for kind in DataKind if kind in set(config.get("detect", ()))]
    unknown = set(config.get("detect", ())) - set(DataKind)
    if unknown:
        _add(errors, "detect", _("Unknown kind of personal data."), "invalid")
    elif not detect:
        _add(errors, "detect", _("Choose at least one kind of personal data."), "required")
    return {"detect": [str(kind) for kind in detect]}


def _profanity(config: Mapping[str, Any], errors: FieldErrors) -> Config:
    given = config.get("words", {})
    unknown = set(given) - SUPPORTED
    if unknown:
        _add(errors, "words", _("Unknown language."), "invalid")
    words = {code: _lines(given.get(code, ())) for code in sorted(SUPPORTED)}
    if not any(words.values()):
        _add(errors, "words", _("Add at least one word."), "required")
    return {"words": words}


def _links(config: Mapping[str, Any], errors: FieldErrors) -> Config:
    domains = []
    for entry in _lines(config.get("allowed_domains", ())):
        domain = clean_domain(entry)
        if not domain or "." not in domain:
            _add(
                errors,
                "allowed_domains",
                _("“%(domain)s” is not a domain.") % {"domain": entry},
                "invalid",
            )
        elif domain not in domains:
            domains.append(domain)
    if len(domains) > MAX_DOMAINS:
        _add(
            errors,
            "allowed_domains",
            _("At most %(max)d domains.") % {"max": MAX_DOMAINS},
            "too_many",
        )
    keep = bool(config.get("keep_tracked_link", False))
    if not domains and not keep and "allowed_domains" not in errors:
        _add(
            errors,
            "allowed_domains",
            _("List the domains links may go to, or require the campaign's link, or both."),
            "required",
        )
    return {"allowed_domains": domains, "keep_tracked_link": keep}


def _length(config: Mapping[str, Any], errors: FieldErrors) -> Config:
    networks = [network for network in PROFILES if network in set(config.get("networks", ()))]
    if set(config.get("networks", ())) - set(PROFILES):
        _add(errors, "networks", _("Unknown network."), "invalid")
    max_length = config.get("max_length")
    if max_length in ("", None):
        max_length = None
    else:
        try:
            max_length = int(max_length)
        except (TypeError, ValueError):
            max_length = 0
        if max_length < 1:
            _add(errors, "max_length", _("Enter a whole number above zero."), "invalid")
    return {"networks": networks, "max_length": max_length}


CLEANERS: dict[str, Callable[[Mapping[str, Any], FieldErrors], Config]] = {
    RuleKind.DISCLOSURE: _disclosure,
    RuleKind.BANNED_PHRASES: _terms,
    RuleKind.CONFIDENTIAL_TERMS: _terms,
    RuleKind.PERSONAL_DATA: _personal_data,
    RuleKind.PROFANITY: _profanity,
    RuleKind.LINKS: _links,
    RuleKind.LENGTH: _length,
}


def clean_config(kind: str, config: Mapping[str, Any], errors: FieldErrors) -> Config:
    """The config to store for a rule of ``kind``; problems are added to ``errors``."""
    return CLEANERS[kind](config, errors)


def starter_config(kind: str, *, disclosure: str = "") -> Config:
    """What a new rule of ``kind`` starts from in the form."""
    if kind == RuleKind.PROFANITY:
        return {"words": {code: list(words) for code, words in STARTER_LISTS.items()}}
    if kind == RuleKind.PERSONAL_DATA:
        return {"detect": [str(kind) for kind in DataKind]}
    if kind == RuleKind.DISCLOSURE:
        return {"phrases": [disclosure] if disclosure else []}
    if kind == RuleKind.LINKS:
        return {"allowed_domains": [], "keep_tracked_link": True}
    if kind == RuleKind.LENGTH:
        return {"networks": [], "max_length": None}
    return {"terms": []}
