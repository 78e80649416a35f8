"""Campaigns: their content, the review workflow and the pilot. Every change is audited.

Content (settings, activities, suggestions) changes only while a campaign is a draft:
what reviewers approved is exactly what employees are offered.
"""

import calendar
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.validators import URLValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.audit.actions import AuditAction
from chorus.audit.services import record_member_action
from chorus.campaigns.images import check_image
from chorus.campaigns.models import (
    Activity,
    ActivityKind,
    Campaign,
    CampaignReview,
    CampaignState,
    PilotFeedback,
    PilotReaction,
    Recurrence,
    ReviewDecision,
    Suggestion,
)
from chorus.campaigns.workflow import CAMPAIGN_WORKFLOW, EDITABLE_STATES
from chorus.networks.networks import Network
from chorus.notifications.models import NotificationKind
from chorus.notifications.services import notify
from chorus.orgs.access import check_capability
from chorus.orgs.models import Membership, Team
from chorus.orgs.roles import CAPABILITIES, Capability
from chorus.sharing.feed import offer_activities, targeted_members

POST_KINDS = frozenset({ActivityKind.REPOST, ActivityKind.LIKE, ActivityKind.COMMENT})
DEFAULT_POINTS = 10


# --- Helpers --------------------------------------------------------------------------


def _check_own_organisation(by: Membership, campaign: Campaign) -> None:
    if campaign.organisation_id != by.organisation_id:
        raise PermissionDenied


def _check_may_edit(by: Membership, campaign: Campaign) -> None:
    check_capability(by, Capability.MANAGE_CONTENT)
    _check_own_organisation(by, campaign)
    if campaign.state not in EDITABLE_STATES:
        raise ValidationError(
            _(
                "This campaign is %(state)s, so its content cannot change. "
                "Only a draft can be edited: revise it to make it a draft again "
                "(it will need a new review)."
            )
            % {"state": campaign.get_state_display().lower()},
            code="not_editable",
        )


def _touch(campaign: Campaign, now: datetime) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(updated_at=now)
    campaign.updated_at = now


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _campaign_record(campaign: Campaign) -> dict[str, Any]:
    return {
        "name": campaign.name,
        "goal": campaign.goal,
        "starts_at": _iso(campaign.starts_at),
        "ends_at": _iso(campaign.ends_at),
        "target_teams": sorted(team.name for team in campaign.target_teams.all()),
        "languages": list(campaign.languages),
        "networks": list(campaign.networks),
        "pilot_team": campaign.pilot_team.name if campaign.pilot_team else None,
    }


def _activity_record(activity: Activity) -> dict[str, Any]:
    return {
        "kind": activity.kind,
        "title": activity.title,
        "link_url": activity.link_url,
        "link_title": activity.link_title,
        "link_description": activity.link_description,
        "post_url": activity.post_url,
        "topic": activity.topic,
        "talking_points": activity.talking_points,
        "image": activity.image.name or None,
        "image_alt": activity.image_alt,
        "expires_at": _iso(activity.expires_at),
        "points": activity.points,
        "recurrence": activity.recurrence,
        "position": activity.position,
    }


def _suggestion_record(suggestion: Suggestion) -> dict[str, Any]:
    return {
        "activity": suggestion.activity_id,
        "network": suggestion.network,
        "language": suggestion.language,
        "text": suggestion.text,
    }


def campaign_url(campaign: Campaign) -> str:
    return reverse(
        "campaigns:detail",
        kwargs={"org": campaign.organisation.slug, "campaign_id": campaign.pk},
    )


def _notification_params(campaign: Campaign, **extra: Any) -> dict[str, Any]:
    return {"campaign": campaign.pk, "name": campaign.name, **extra}


# --- Campaign settings ----------------------------------------------------------------


def _clean_settings(
    *,
    by: Membership,
    name: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    target_teams: Iterable[Team],
    languages: Sequence[str],
    networks: Sequence[str],
    pilot_team: Team | None,
) -> tuple[str, list[Team], list[str], list[str]]:
    errors: dict[str, list[str]] = {}
    name = name.strip()
    if not name:
        errors.setdefault("name", []).append(_("Give the campaign a name."))
    elif len(name) > Campaign._meta.get_field("name").max_length:  # type: ignore[operator]
        errors.setdefault("name", []).append(_("The name is too long."))
    if starts_at and ends_at and ends_at <= starts_at:
        errors.setdefault("ends_at", []).append(_("The end must be after the start."))
    teams = list(target_teams)
    if any(team.organisation_id != by.organisation_id for team in teams):
        errors.setdefault("target_teams", []).append(_("Choose teams of this organisation."))
    if pilot_team is not None and pilot_team.organisation_id != by.organisation_id:
        errors.setdefault("pilot_team", []).append(_("Choose a team of this organisation."))
    language_codes = {code for code, _label in settings.LANGUAGES}
    chosen_languages = list(dict.fromkeys(languages))
    if not chosen_languages:
        errors.setdefault("languages", []).append(_("Choose at least one language."))
    elif any(code not in language_codes for code in chosen_languages):
        errors.setdefault("languages", []).append(_("Choose languages Chorus offers."))
    chosen_networks = list(dict.fromkeys(networks))
    if not chosen_networks:
        errors.setdefault("networks", []).append(_("Choose at least one network."))
    elif any(network not in Network.values for network in chosen_networks):
        errors.setdefault("networks", []).append(_("Choose networks Chorus knows."))
    if errors:
        raise ValidationError(errors)
    return name, teams, chosen_languages, chosen_networks


def create_campaign(
    *,
    by: Membership,
    name: str,
    languages: Sequence[str],
    networks: Sequence[str],
    goal: str = "",
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    target_teams: Iterable[Team] = (),
    pilot_team: Team | None = None,
    now: datetime | None = None,
) -> Campaign:
    check_capability(by, Capability.MANAGE_CONTENT)
    now = now or timezone.now()
    name, teams, languages, networks = _clean_settings(
        by=by,
        name=name,
        starts_at=starts_at,
        ends_at=ends_at,
        target_teams=target_teams,
        languages=languages,
        networks=networks,
        pilot_team=pilot_team,
    )
    with transaction.atomic():
        campaign = Campaign.objects.create(
            organisation=by.organisation,
            name=name,
            goal=goal.strip(),
            starts_at=starts_at,
            ends_at=ends_at,
            languages=languages,
            networks=networks,
            pilot_team=pilot_team,
            created_by=by,
            created_at=now,
            updated_at=now,
            state_changed_at=now,
        )
        campaign.target_teams.set(teams)
        record_member_action(
            by, AuditAction.CAMPAIGN_CREATED, campaign, after=_campaign_record(campaign)
        )
    return campaign


def update_campaign(
    *,
    by: Membership,
    campaign: Campaign,
    name: str,
    languages: Sequence[str],
    networks: Sequence[str],
    goal: str = "",
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    target_teams: Iterable[Team] = (),
    pilot_team: Team | None = None,
    now: datetime | None = None,
) -> Campaign:
    _check_may_edit(by, campaign)
    now = now or timezone.now()
    name, teams, languages, networks = _clean_settings(
        by=by,
        name=name,
        starts_at=starts_at,
        ends_at=ends_at,
        target_teams=target_teams,
        languages=languages,
        networks=networks,
        pilot_team=pilot_team,
    )
    _check_activities_fit(campaign, ends_at=ends_at, languages=languages, networks=networks)
    before = _campaign_record(campaign)
    with transaction.atomic():
        campaign.name = name
        campaign.goal = goal.strip()
        campaign.starts_at = starts_at
        campaign.ends_at = ends_at
        campaign.languages = languages
        campaign.networks = networks
        campaign.pilot_team = pilot_team
        campaign.updated_at = now
        campaign.save(
            update_fields=[
                "name",
                "goal",
                "starts_at",
                "ends_at",
                "languages",
                "networks",
                "pilot_team",
                "updated_at",
            ]
        )
        campaign.target_teams.set(teams)
        after = _campaign_record(campaign)
        if after != before:
            record_member_action(
                by, AuditAction.CAMPAIGN_UPDATED, campaign, before=before, after=after
            )
    return campaign


def _check_activities_fit(
    campaign: Campaign, *, ends_at: datetime | None, languages: list[str], networks: list[str]
) -> None:
    """Settings may not strand existing content: expiries after the end, orphan suggestions."""
    errors: dict[str, list[str]] = {}
    if ends_at and campaign.activities.filter(expires_at__gt=ends_at).exists():
        errors["ends_at"] = [_("Some activities expire after this end. Change them first.")]
    suggestions = Suggestion.objects.filter(activity__campaign=campaign)
    if suggestions.exclude(language__in=languages).exists():
        errors["languages"] = [_("Some suggestions are written in a language you removed.")]
    if suggestions.exclude(network="").exclude(network__in=networks).exists():
        errors["networks"] = [_("Some suggestions are for a network you removed.")]
    if errors:
        raise ValidationError(errors)


# --- Activities -----------------------------------------------------------------------


def _clean_url(value: str, field: str, errors: dict[str, list[str]]) -> str:
    value = value.strip()
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        errors.setdefault(field, []).append(_("Enter a full web address starting with https://."))
    return value


def _clean_activity(
    *,
    campaign: Campaign,
    kind: str,
    title: str,
    link_url: str,
    link_title: str,
    link_description: str,
    post_url: str,
    topic: str,
    talking_points: str,
    image: File | None,  # type: ignore[type-arg]
    keeps_image: bool,
    image_alt: str,
    expires_at: datetime | None,
    points: int,
    recurrence: str,
    now: datetime,
) -> dict[str, Any]:
    """The activity's fields for its kind (others emptied), or every problem at once.

    ``image_name`` is the name a new image is stored under.
    """
    errors: dict[str, list[str]] = {}
    fields: dict[str, Any] = {
        "kind": kind,
        "title": title.strip(),
        "link_url": "",
        "link_title": "",
        "link_description": "",
        "post_url": "",
        "topic": "",
        "talking_points": "",
        "image_alt": image_alt.strip(),
        "expires_at": expires_at,
        "points": points,
        "recurrence": recurrence,
    }
    if kind not in ActivityKind.values:
        errors["kind"] = [_("Choose what employees are asked to do.")]
    if not fields["title"]:
        errors["title"] = [_("Give the activity a title.")]
    if kind == ActivityKind.SHARE_LINK:
        if not link_url.strip():
            errors["link_url"] = [_("A link to share is required.")]
        else:
            fields["link_url"] = _clean_url(link_url, "link_url", errors)
        fields["link_title"] = link_title.strip()
        fields["link_description"] = link_description.strip()
    elif kind in POST_KINDS:
        if not post_url.strip():
            errors["post_url"] = [_("The address of the post is required.")]
        else:
            fields["post_url"] = _clean_url(post_url, "post_url", errors)
    elif kind == ActivityKind.OWN_POST:
        fields["topic"] = topic.strip()
        fields["talking_points"] = talking_points.strip()
        if not fields["topic"]:
            errors["topic"] = [_("Say what employees should write about.")]
    if image is not None:
        try:
            fields["image_name"] = check_image(image)
        except ValidationError as error:
            errors["image"] = error.messages
    if (image is not None or keeps_image) and not fields["image_alt"]:
        errors["image_alt"] = [_("Describe the image for people who cannot see it.")]
    if expires_at is not None:
        if expires_at <= now:
            errors["expires_at"] = [_("The expiry must be in the future.")]
        elif campaign.ends_at and expires_at > campaign.ends_at:
            errors["expires_at"] = [_("The expiry must be no later than the campaign's end.")]
    if points < 0:
        errors["points"] = [_("Points cannot be negative.")]
    if recurrence not in Recurrence.values:
        errors["recurrence"] = [_("Choose how often the activity recurs.")]
    if errors:
        raise ValidationError(errors)
    return fields


def add_activity(
    *,
    by: Membership,
    campaign: Campaign,
    kind: str,
    title: str,
    link_url: str = "",
    link_title: str = "",
    link_description: str = "",
    post_url: str = "",
    topic: str = "",
    talking_points: str = "",
    image: File | None = None,  # type: ignore[type-arg]
    image_alt: str = "",
    expires_at: datetime | None = None,
    points: int = DEFAULT_POINTS,
    recurrence: str = Recurrence.NONE,
    now: datetime | None = None,
) -> Activity:
    _check_may_edit(by, campaign)
    now = now or timezone.now()
    fields = _clean_activity(
        campaign=campaign,
        kind=kind,
        title=title,
        link_url=link_url,
        link_title=link_title,
        link_description=link_description,
        post_url=post_url,
        topic=topic,
        talking_points=talking_points,
        image=image,
        keeps_image=False,
        image_alt=image_alt,
        expires_at=expires_at,
        points=points,
        recurrence=recurrence,
        now=now,
    )
    image_name = fields.pop("image_name", "")
    with transaction.atomic():
        last = campaign.activities.aggregate(last=Max("position"))["last"]
        activity = Activity(
            campaign=campaign, position=0 if last is None else last + 1, created_at=now, **fields
        )
        if image is not None:
            activity.image.save(image_name, image, save=False)
        else:
            activity.image_alt = ""
        activity.save()
        _touch(campaign, now)
        record_member_action(
            by,
            AuditAction.ACTIVITY_CHANGED,
            campaign,
            after={"added": activity.pk, **_activity_record(activity)},
        )
    return activity


def update_activity(
    *,
    by: Membership,
    activity: Activity,
    kind: str,
    title: str,
    link_url: str = "",
    link_title: str = "",
    link_description: str = "",
    post_url: str = "",
    topic: str = "",
    talking_points: str = "",
    image: File | None = None,  # type: ignore[type-arg]
    remove_image: bool = False,
    image_alt: str = "",
    expires_at: datetime | None = None,
    points: int = DEFAULT_POINTS,
    recurrence: str = Recurrence.NONE,
    now: datetime | None = None,
) -> Activity:
    """Change an activity; a new ``image`` replaces the old one, ``remove_image`` drops it."""
    campaign = activity.campaign
    _check_may_edit(by, campaign)
    now = now or timezone.now()
    keeps_image = bool(activity.image) and not remove_image
    fields = _clean_activity(
        campaign=campaign,
        kind=kind,
        title=title,
        link_url=link_url,
        link_title=link_title,
        link_description=link_description,
        post_url=post_url,
        topic=topic,
        talking_points=talking_points,
        image=image,
        keeps_image=keeps_image,
        image_alt=image_alt,
        expires_at=expires_at,
        points=points,
        recurrence=recurrence,
        now=now,
    )
    image_name = fields.pop("image_name", "")
    before = _activity_record(activity)
    old_image = activity.image.name
    with transaction.atomic():
        for name, value in fields.items():
            setattr(activity, name, value)
        if image is not None:
            activity.image.save(image_name, image, save=False)
        elif remove_image:
            activity.image = ""
        if not activity.image:
            activity.image_alt = ""
        activity.save()
        _touch(campaign, now)
        after = _activity_record(activity)
        if after != before:
            record_member_action(
                by,
                AuditAction.ACTIVITY_CHANGED,
                campaign,
                before={"activity": activity.pk, **before},
                after={"activity": activity.pk, **after},
            )
        if old_image and old_image != activity.image.name:
            transaction.on_commit(lambda: _delete_image_if_unused(old_image))
    return activity


def _delete_image_if_unused(name: str) -> None:
    """Clones copy images, occurrences share them: a file goes when nothing uses it."""
    if not Activity.objects.filter(image=name).exists():
        Activity._meta.get_field("image").storage.delete(name)


def delete_activity(*, by: Membership, activity: Activity, now: datetime | None = None) -> None:
    campaign = activity.campaign
    _check_may_edit(by, campaign)
    now = now or timezone.now()
    before = {"deleted": activity.pk, **_activity_record(activity)}
    image = activity.image.name
    with transaction.atomic():
        activity.delete()
        _renumber(campaign)
        _touch(campaign, now)
        record_member_action(by, AuditAction.ACTIVITY_CHANGED, campaign, before=before)
        if image:
            transaction.on_commit(lambda: _delete_image_if_unused(image))


def _renumber(campaign: Campaign) -> None:
    for position, activity_id in enumerate(campaign.activities.values_list("pk", flat=True)):
        Activity.objects.filter(pk=activity_id).update(position=position)


def reorder_activities(
    *, by: Membership, campaign: Campaign, order: Sequence[int], now: datetime | None = None
) -> None:
    """Put the campaign's activities in ``order`` (every activity id, each once)."""
    _check_may_edit(by, campaign)
    now = now or timezone.now()
    current = list(campaign.activities.values_list("pk", flat=True))
    if sorted(order) != sorted(current):
        raise ValidationError(
            _("The order must list each of the campaign's activities once."), code="bad_order"
        )
    if list(order) == current:
        return
    with transaction.atomic():
        for position, activity_id in enumerate(order):
            Activity.objects.filter(pk=activity_id, campaign=campaign).update(position=position)
        _touch(campaign, now)
        record_member_action(
            by,
            AuditAction.ACTIVITY_CHANGED,
            campaign,
            before={"order": current},
            after={"order": list(order)},
        )


def move_activity(
    *, by: Membership, activity: Activity, offset: int, now: datetime | None = None
) -> None:
    """Move an activity ``offset`` places (negative: earlier), stopping at either end."""
    campaign = activity.campaign
    order = list(campaign.activities.values_list("pk", flat=True))
    index = order.index(activity.pk)
    target = min(max(index + offset, 0), len(order) - 1)
    order.insert(target, order.pop(index))
    reorder_activities(by=by, campaign=campaign, order=order, now=now)


# --- Suggestions ----------------------------------------------------------------------


def _clean_suggestion(
    *, campaign: Campaign, network: str, language: str, text: str
) -> dict[str, str]:
    errors: dict[str, list[str]] = {}
    text = text.strip()
    if not text:
        errors["text"] = [_("Write the suggested text.")]
    if language not in campaign.languages:
        errors["language"] = [_("Choose one of the campaign's languages.")]
    if network and network not in campaign.networks:
        errors["network"] = [_("Choose one of the campaign's networks, or all networks.")]
    if errors:
        raise ValidationError(errors)
    return {"network": network, "language": language, "text": text}


def _duplicate_suggestion_error() -> ValidationError:
    return ValidationError(
        {
            "network": _(
                "This activity already has a suggestion for this network and language. "
                "Edit that one instead."
            )
        },
        code="duplicate_suggestion",
    )


def add_suggestion(
    *,
    by: Membership,
    activity: Activity,
    language: str,
    text: str,
    network: str = "",
    now: datetime | None = None,
) -> Suggestion:
    campaign = activity.campaign
    _check_may_edit(by, campaign)
    now = now or timezone.now()
    fields = _clean_suggestion(campaign=campaign, network=network, language=language, text=text)
    try:
        with transaction.atomic():
            suggestion = Suggestion.objects.create(activity=activity, **fields)
            _touch(campaign, now)
            record_member_action(
                by,
                AuditAction.ACTIVITY_CHANGED,
                campaign,
                after={"suggestion_added": suggestion.pk, **_suggestion_record(suggestion)},
            )
    except IntegrityError:
        raise _duplicate_suggestion_error() from None
    return suggestion


def update_suggestion(
    *,
    by: Membership,
    suggestion: Suggestion,
    language: str,
    text: str,
    network: str = "",
    now: datetime | None = None,
) -> Suggestion:
    campaign = suggestion.activity.campaign
    _check_may_edit(by, campaign)
    now = now or timezone.now()
    fields = _clean_suggestion(campaign=campaign, network=network, language=language, text=text)
    before = _suggestion_record(suggestion)
    try:
        with transaction.atomic():
            for name, value in fields.items():
                setattr(suggestion, name, value)
            suggestion.save(update_fields=["network", "language", "text"])
            _touch(campaign, now)
            after = _suggestion_record(suggestion)
            if after != before:
                record_member_action(
                    by,
                    AuditAction.ACTIVITY_CHANGED,
                    campaign,
                    before={"suggestion": suggestion.pk, **before},
                    after={"suggestion": suggestion.pk, **after},
                )
    except IntegrityError:
        for name, value in before.items():
            if name != "activity":
                setattr(suggestion, name, value)
        raise _duplicate_suggestion_error() from None
    return suggestion


def delete_suggestion(
    *, by: Membership, suggestion: Suggestion, now: datetime | None = None
) -> None:
    campaign = suggestion.activity.campaign
    _check_may_edit(by, campaign)
    now = now or timezone.now()
    before = {"suggestion_deleted": suggestion.pk, **_suggestion_record(suggestion)}
    with transaction.atomic():
        suggestion.delete()
        _touch(campaign, now)
        record_member_action(by, AuditAction.ACTIVITY_CHANGED, campaign, before=before)


# --- Cloning --------------------------------------------------------------------------


def clone_campaign(*, by: Membership, campaign: Campaign, now: datetime | None = None) -> Campaign:
    """A new draft with the same settings, activities and suggestions, to reuse a campaign."""
    check_capability(by, Capability.MANAGE_CONTENT)
    _check_own_organisation(by, campaign)
    now = now or timezone.now()
    suffix = _(" (copy)")
    name_length: int = Campaign._meta.get_field("name").max_length  # type: ignore[assignment]
    with transaction.atomic():
        clone = Campaign.objects.create(
            organisation=campaign.organisation,
            name=campaign.name[: name_length - len(suffix)] + suffix,
            goal=campaign.goal,
            starts_at=campaign.starts_at,
            ends_at=campaign.ends_at,
            languages=list(campaign.languages),
            networks=list(campaign.networks),
            pilot_team=campaign.pilot_team,
            created_by=by,
            cloned_from=campaign,
            created_at=now,
            updated_at=now,
            state_changed_at=now,
        )
        clone.target_teams.set(campaign.target_teams.all())
        originals = campaign.activities.filter(recurs_from__isnull=True).prefetch_related(
            "suggestions"
        )
        for position, activity in enumerate(originals):
            _copy_activity(activity, campaign=clone, position=position, now=now)
        record_member_action(
            by,
            AuditAction.CAMPAIGN_CLONED,
            clone,
            before={"cloned_from": campaign.pk},
            after=_campaign_record(clone),
        )
    return clone


def _copy_activity(
    activity: Activity,
    *,
    campaign: Campaign,
    position: int,
    now: datetime,
    copy_image_file: bool = True,
    **overrides: Any,
) -> Activity:
    copy = Activity(
        campaign=campaign,
        kind=activity.kind,
        title=activity.title,
        link_url=activity.link_url,
        link_title=activity.link_title,
        link_description=activity.link_description,
        post_url=activity.post_url,
        topic=activity.topic,
        talking_points=activity.talking_points,
        image_alt=activity.image_alt,
        expires_at=activity.expires_at,
        points=activity.points,
        recurrence=activity.recurrence,
        position=position,
        created_at=now,
    )
    for name, value in overrides.items():
        setattr(copy, name, value)
    if activity.image:
        if copy_image_file:
            name = PurePosixPath(activity.image.name or "").name
            with activity.image.open("rb") as source:
                copy.image.save(name, File(source), save=False)
        else:
            copy.image = activity.image.name
    copy.save()
    Suggestion.objects.bulk_create(
        Suggestion(activity=copy, network=s.network, language=s.language, text=s.text)
        for s in activity.suggestions.all()
    )
    return copy


# --- Review workflow ------------------------------------------------------------------


def _apply(
    *,
    by: Membership,
    campaign: Campaign,
    transition: str,
    action: AuditAction,
    now: datetime,
    check: Any = None,
    audit_extra: dict[str, Any] | None = None,
    **updates: Any,
) -> None:
    """Move the campaign along ``transition`` (capability first, then state, then rules)."""
    _check_own_organisation(by, campaign)
    capability = CAMPAIGN_WORKFLOW.get(transition).capability
    if capability is not None:
        check_capability(by, Capability(capability))
    CAMPAIGN_WORKFLOW.check(transition, campaign.state)
    if check is not None:
        check()
    before = campaign.state
    CAMPAIGN_WORKFLOW.apply(campaign, transition, state_changed_at=now, updated_at=now, **updates)
    record_member_action(
        by,
        action,
        campaign,
        before={"state": before},
        after={"state": campaign.state, **(audit_extra or {})},
    )


def _check_ready_for_review(campaign: Campaign, now: datetime) -> None:
    activities = list(campaign.activities.prefetch_related("suggestions"))
    if not activities:
        raise ValidationError(
            _("Add at least one activity before submitting the campaign."), code="no_activities"
        )
    problems = []
    for activity in activities:
        if activity.kind == ActivityKind.SHARE_LINK and not activity.suggestions.all():
            problems.append(
                _("“%(title)s” shares a link but has no suggested text.")
                % {"title": activity.title}
            )
        if activity.is_expired(now=now):
            problems.append(_("“%(title)s” has already expired.") % {"title": activity.title})
    if problems:
        raise ValidationError(problems, code="not_ready")


def reviewers_of(campaign: Campaign) -> models.QuerySet[Membership]:
    roles = [role for role, caps in CAPABILITIES.items() if Capability.REVIEW_CONTENT in caps]
    return Membership.objects.filter(
        organisation_id=campaign.organisation_id,
        role__in=roles,
        is_active=True,
        user__is_active=True,
    ).select_related("user")


def submit_campaign(*, by: Membership, campaign: Campaign, now: datetime | None = None) -> None:
    """Draft → in review. Every reviewer but the submitter (who may not approve it) is told."""
    now = now or timezone.now()
    with transaction.atomic():
        _apply(
            by=by,
            campaign=campaign,
            transition="submit",
            action=AuditAction.CAMPAIGN_SUBMITTED,
            now=now,
            check=lambda: _check_ready_for_review(campaign, now),
            submitted_by=by,
        )
        for reviewer in reviewers_of(campaign).exclude(pk=by.pk):
            notify(
                member=reviewer,
                kind=NotificationKind.CAMPAIGN_REVIEW,
                params=_notification_params(campaign, submitted_by=by.user.display_name),
                url=campaign_url(campaign),
            )


def _notify_submitter(campaign: Campaign, *, decision: str, comment: str) -> None:
    submitter = campaign.submitted_by
    if submitter is None or not submitter.is_active:
        return
    notify(
        member=submitter,
        kind=NotificationKind.CAMPAIGN_REVIEW,
        params=_notification_params(campaign, decision=decision, comment=comment),
        url=campaign_url(campaign),
    )


def request_changes(
    *, by: Membership, campaign: Campaign, comment: str, now: datetime | None = None
) -> CampaignReview:
    """In review → draft, saying what must change; the submitter is told."""
    now = now or timezone.now()
    comment = comment.strip()

    def comment_given() -> None:
        if not comment:
            raise ValidationError(
                {"comment": _("Say what needs to change.")}, code="comment_required"
            )

    with transaction.atomic():
        _apply(
            by=by,
            campaign=campaign,
            transition="request_changes",
            action=AuditAction.CAMPAIGN_CHANGES_REQUESTED,
            now=now,
            check=comment_given,
            audit_extra={"comment": comment},
        )
        review = CampaignReview.objects.create(
            campaign=campaign,
            reviewer=by,
            decision=ReviewDecision.CHANGES_REQUESTED,
            comment=comment,
            created_at=now,
        )
        _notify_submitter(campaign, decision=ReviewDecision.CHANGES_REQUESTED, comment=comment)
    return review


def approve_campaign(
    *, by: Membership, campaign: Campaign, comment: str = "", now: datetime | None = None
) -> CampaignReview:
    """In review → approved, by someone other than the submitter (four eyes)."""
    now = now or timezone.now()
    comment = comment.strip()

    def not_own_submission() -> None:
        if campaign.submitted_by_id == by.pk:
            raise ValidationError(
                _("You submitted this campaign, so someone else must approve it."),
                code="four_eyes",
            )

    with transaction.atomic():
        _apply(
            by=by,
            campaign=campaign,
            transition="approve",
            action=AuditAction.CAMPAIGN_APPROVED,
            now=now,
            check=not_own_submission,
            audit_extra={"comment": comment},
        )
        review = CampaignReview.objects.create(
            campaign=campaign,
            reviewer=by,
            decision=ReviewDecision.APPROVED,
            comment=comment,
            created_at=now,
        )
        _notify_submitter(campaign, decision=ReviewDecision.APPROVED, comment=comment)
    return review


def active_pilot_members(campaign: Campaign) -> models.QuerySet[Membership]:
    if campaign.pilot_team_id is None:
        return Membership.objects.none()
    return Membership.objects.filter(
        organisation_id=campaign.organisation_id,
        teams=campaign.pilot_team_id,
        is_active=True,
        user__is_active=True,
    )


def start_pilot(*, by: Membership, campaign: Campaign, now: datetime | None = None) -> None:
    """Approved → pilot: the pilot team sees the campaign first and says how it would land."""
    from chorus.campaigns.tasks import offer_campaign_to_audience

    now = now or timezone.now()

    def has_pilot_team() -> None:
        if not active_pilot_members(campaign).exists():
            raise ValidationError(
                _("Choose a pilot team with at least one active member first."),
                code="no_pilot_team",
            )

    with transaction.atomic():
        _apply(
            by=by,
            campaign=campaign,
            transition="start_pilot",
            action=AuditAction.CAMPAIGN_PILOT_STARTED,
            now=now,
            check=has_pilot_team,
            audit_extra={"pilot_team": campaign.pilot_team.name if campaign.pilot_team else None},
        )
        campaign_id = campaign.pk
        transaction.on_commit(
            lambda: offer_campaign_to_audience.enqueue(campaign_id=campaign_id, pilot=True)
        )


def revise_campaign(*, by: Membership, campaign: Campaign, now: datetime | None = None) -> None:
    """Approved or pilot → draft, to change the content; it must be reviewed again."""
    now = now or timezone.now()
    with transaction.atomic():
        _apply(
            by=by,
            campaign=campaign,
            transition="revise",
            action=AuditAction.CAMPAIGN_REVISED,
            now=now,
        )


def go_live(*, by: Membership, campaign: Campaign, now: datetime | None = None) -> None:
    """Approved or pilot → live: every targeted member is offered the activities."""
    from chorus.campaigns.tasks import offer_campaign_to_audience

    now = now or timezone.now()
    with transaction.atomic():
        _apply(
            by=by,
            campaign=campaign,
            transition="go_live",
            action=AuditAction.CAMPAIGN_WENT_LIVE,
            now=now,
        )
        for activity in campaign.activities.exclude(recurrence=Recurrence.NONE):
            Activity.objects.filter(pk=activity.pk).update(
                next_occurrence_at=advance(now, activity.recurrence)
            )
        campaign_id = campaign.pk
        transaction.on_commit(lambda: offer_campaign_to_audience.enqueue(campaign_id=campaign_id))


def end_campaign(*, by: Membership, campaign: Campaign, now: datetime | None = None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        _apply(
            by=by, campaign=campaign, transition="end", action=AuditAction.CAMPAIGN_ENDED, now=now
        )


def archive_campaign(*, by: Membership, campaign: Campaign, now: datetime | None = None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        _apply(
            by=by,
            campaign=campaign,
            transition="archive",
            action=AuditAction.CAMPAIGN_ARCHIVED,
            now=now,
        )


# The transitions a content manager makes with one button (reviews go through their form).
BUTTON_TRANSITIONS = {
    "submit": submit_campaign,
    "start_pilot": start_pilot,
    "revise": revise_campaign,
    "go_live": go_live,
    "end": end_campaign,
    "archive": archive_campaign,
}


def apply_transition(
    *, by: Membership, campaign: Campaign, transition: str, now: datetime | None = None
) -> None:
    if transition not in BUTTON_TRANSITIONS:
        raise ValidationError(_("Unknown action."), code="unknown_transition")
    BUTTON_TRANSITIONS[transition](by=by, campaign=campaign, now=now)


# --- Pilot feedback -------------------------------------------------------------------


def record_pilot_feedback(
    *,
    by: Membership,
    campaign: Campaign,
    reaction: str,
    comment: str = "",
    now: datetime | None = None,
) -> PilotFeedback:
    """A pilot team member's answer; a second answer replaces the first. The creator is told."""
    now = now or timezone.now()
    _check_own_organisation(by, campaign)
    if campaign.state != CampaignState.PILOT:
        raise ValidationError(
            _("Feedback is collected only while the campaign is in pilot."), code="not_in_pilot"
        )
    if not active_pilot_members(campaign).filter(pk=by.pk).exists():
        raise ValidationError(
            _("Only members of the campaign's pilot team are asked for feedback."),
            code="not_in_pilot_team",
        )
    if reaction not in PilotReaction.values:
        raise ValidationError({"reaction": _("Choose how your audience would read this.")})
    with transaction.atomic():
        feedback, _created = PilotFeedback.objects.update_or_create(
            campaign=campaign,
            member=by,
            defaults={"reaction": reaction, "comment": comment.strip(), "created_at": now},
        )
        creator = campaign.created_by
        if creator is not None and creator.is_active and creator.pk != by.pk:
            notify(
                member=creator,
                kind=NotificationKind.PILOT_FEEDBACK,
                params=_notification_params(
                    campaign, member=by.user.display_name, reaction=reaction
                ),
                url=campaign_url(campaign),
            )
    return feedback


# --- Evergreen recurrence ---------------------------------------------------------------


def _add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def advance(moment: datetime, recurrence: str, periods: int = 1) -> datetime:
    """``moment`` moved on by ``periods`` of the recurrence."""
    if recurrence == Recurrence.WEEKLY:
        return moment + timedelta(weeks=periods)
    if recurrence == Recurrence.MONTHLY:
        return _add_months(moment, periods)
    raise ValueError(f"{recurrence!r} does not recur")


def create_due_occurrences(*, now: datetime | None = None) -> list[Activity]:
    """Copy each due evergreen activity of a live campaign and offer the copy.

    Periods missed while nothing ran produce one occurrence, not one each.
    """
    now = now or timezone.now()
    due = (
        Activity.objects.filter(
            campaign__state=CampaignState.LIVE,
            next_occurrence_at__lte=now,
            recurs_from__isnull=True,
        )
        .exclude(recurrence=Recurrence.NONE)
        .select_related("campaign__organisation")
        .prefetch_related("suggestions")
    )
    created = []
    for activity in due:
        with transaction.atomic():
            occurrence = _create_occurrence(activity, now=now)
            if occurrence is None:
                continue
            campaign = activity.campaign
            offer_activities(
                campaign=campaign,
                members=targeted_members(campaign=campaign),
                activities=Activity.objects.filter(pk=occurrence.pk),
            )
            created.append(occurrence)
    return created


def _create_occurrence(activity: Activity, *, now: datetime) -> Activity | None:
    due_at = activity.next_occurrence_at
    assert due_at is not None
    periods = 1
    while advance(due_at, activity.recurrence, periods) <= now:
        periods += 1
    next_at: datetime | None = advance(due_at, activity.recurrence, periods)
    campaign = activity.campaign
    if campaign.ends_at and due_at >= campaign.ends_at:
        next_at = None
    # Claimed with a conditional UPDATE: two workers never copy the same occurrence.
    claimed = Activity.objects.filter(pk=activity.pk, next_occurrence_at=due_at).update(
        next_occurrence_at=next_at
    )
    if not claimed or (campaign.ends_at and due_at >= campaign.ends_at):
        return None
    latest = activity.occurrences.order_by("-created_at", "-pk").first() or activity
    expires_at = latest.expires_at and advance(latest.expires_at, activity.recurrence, periods)
    if expires_at and campaign.ends_at:
        expires_at = min(expires_at, campaign.ends_at)
    last_position = campaign.activities.aggregate(last=Max("position"))["last"] or 0
    return _copy_activity(
        activity,
        campaign=campaign,
        position=last_position + 1,
        now=now,
        copy_image_file=False,
        recurs_from=activity,
        recurrence=Recurrence.NONE,
        expires_at=expires_at,
    )
