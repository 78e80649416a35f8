"""Campaigns, their activities and suggestions, the review workflow and pilot feedback."""

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import AwareDatetime

from chorus.api.v1.auth import member_of
from chorus.api.v1.errors import renamed_fields
from chorus.api.v1.pagination import MAX_LIMIT, PageParams, page_of
from chorus.api.v1.schemas import ERRORS, Page, Ref, changes
from chorus.campaigns import selectors, services
from chorus.campaigns.access import (
    access_activity_by_member,
    access_campaign_by_member,
    access_pilot_campaign_by_member,
    access_suggestion_by_member,
    check_may_see_campaigns,
)
from chorus.campaigns.models import (
    Activity,
    ActivityKind,
    Campaign,
    CampaignState,
    PilotReaction,
    Recurrence,
    ReviewDecision,
    Suggestion,
)
from chorus.orgs import selectors as org_selectors
from chorus.orgs.models import Membership, Team

router = Router(tags=["Campaigns"])

TEAM_FIELDS = {"target_teams": "target_team_ids", "pilot_team": "pilot_team_id"}


# --- Schemas ----------------------------------------------------------------------------


class SuggestionOut(Schema):
    id: int
    activity_id: int
    network: str = Field(description="Empty: suits every network.")
    language: str
    text: str


class ActivityOut(Schema):
    id: int
    campaign_id: int
    kind: ActivityKind
    title: str
    link_url: str
    link_title: str
    link_description: str
    post_url: str
    topic: str
    talking_points: str
    has_image: bool
    image_alt: str
    expires_at: datetime | None
    points: int
    recurrence: Recurrence
    position: int
    suggestions: list[SuggestionOut]

    @staticmethod
    def resolve_has_image(obj: Activity) -> bool:
        return bool(obj.image)

    @staticmethod
    def resolve_suggestions(obj: Activity) -> Iterable[Any]:
        return obj.suggestions.all()


class CampaignOut(Schema):
    id: int
    name: str
    goal: str
    state: CampaignState
    starts_at: datetime | None
    ends_at: datetime | None
    languages: list[str]
    networks: list[str]
    target_teams: list[Ref]
    pilot_team: Ref | None
    submitted_by_id: int | None
    cloned_from_id: int | None
    created_at: datetime
    updated_at: datetime
    state_changed_at: datetime
    transitions: list[str] = Field(
        description="The workflow moves your role may make on the campaign now."
    )

    @staticmethod
    def resolve_target_teams(obj: Campaign) -> Iterable[Any]:
        return obj.target_teams.all()

    @staticmethod
    def resolve_transitions(obj: Campaign, context: dict[str, Any]) -> list[str]:
        member = member_of(context["request"])
        return selectors.transitions_for(member=member, campaign=obj)


class CampaignDetailOut(CampaignOut):
    activities: list[ActivityOut]

    @staticmethod
    def resolve_activities(obj: Campaign) -> Iterable[Any]:
        return selectors.activities_of(campaign=obj)


class CampaignFilters(PageParams):
    state: CampaignState | None = None


class CampaignIn(Schema):
    name: str
    languages: list[str] = Field(description="Language codes, e.g. en, de.")
    networks: list[str] = Field(description="Network names, e.g. linkedin, bluesky.")
    goal: str = ""
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    target_team_ids: list[int] = Field(
        default_factory=list, description="Empty: offered to everyone."
    )
    pilot_team_id: int | None = None


class CampaignPatch(Schema):
    name: str | None = None
    languages: list[str] | None = None
    networks: list[str] | None = None
    goal: str | None = None
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    target_team_ids: list[int] | None = None
    pilot_team_id: int | None = None


class ActivityIn(Schema):
    kind: ActivityKind
    title: str
    link_url: str = ""
    link_title: str = ""
    link_description: str = ""
    post_url: str = ""
    topic: str = ""
    talking_points: str = ""
    image_alt: str = ""
    expires_at: AwareDatetime | None = None
    points: int = services.DEFAULT_POINTS
    recurrence: Recurrence = Recurrence.NONE


class ActivityPatch(Schema):
    kind: ActivityKind | None = None
    title: str | None = None
    link_url: str | None = None
    link_title: str | None = None
    link_description: str | None = None
    post_url: str | None = None
    topic: str | None = None
    talking_points: str | None = None
    image_alt: str | None = None
    expires_at: AwareDatetime | None = None
    points: int | None = None
    recurrence: Recurrence | None = None


class ActivityOrderIn(Schema):
    activity_ids: list[int] = Field(description="Every activity of the campaign, each once.")


class SuggestionIn(Schema):
    language: str
    text: str
    network: str = Field("", description="Empty: suits every network.")


class SuggestionPatch(Schema):
    language: str | None = None
    text: str | None = None
    network: str | None = None


class ReviewIn(Schema):
    comment: str = ""


class ReviewOut(Schema):
    id: int
    decision: ReviewDecision
    comment: str
    reviewer: Ref | None
    created_at: datetime

    @staticmethod
    def resolve_reviewer(obj: Any) -> dict[str, Any] | None:
        reviewer = obj.reviewer
        if reviewer is None:
            return None
        return {"id": reviewer.pk, "name": reviewer.user.display_name}


class PilotFeedbackIn(Schema):
    reaction: PilotReaction
    comment: str = ""


class PilotFeedbackOut(Schema):
    campaign_id: int
    reaction: PilotReaction
    comment: str
    created_at: datetime


# --- Helpers ----------------------------------------------------------------------------


def _teams(member: Membership, ids: Iterable[int], field: str) -> list[Team]:
    wanted = set(ids)
    teams = list(org_selectors.teams_of(organisation=member.organisation).filter(pk__in=wanted))
    if len(teams) != len(wanted):
        raise ValidationError({field: [_("Choose teams of this organisation.")]})
    return teams


def _team(member: Membership, team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    return _teams(member, [team_id], "pilot_team_id")[0]


def _campaign_settings(campaign: Campaign) -> dict[str, Any]:
    return {
        "name": campaign.name,
        "languages": list(campaign.languages),
        "networks": list(campaign.networks),
        "goal": campaign.goal,
        "starts_at": campaign.starts_at,
        "ends_at": campaign.ends_at,
        "target_team_ids": list(campaign.target_teams.values_list("pk", flat=True)),
        "pilot_team_id": campaign.pilot_team_id,
    }


def _settings_arguments(member: Membership, values: dict[str, Any]) -> dict[str, Any]:
    arguments = dict(values)
    arguments["target_teams"] = _teams(member, arguments.pop("target_team_ids"), "target_team_ids")
    arguments["pilot_team"] = _team(member, arguments.pop("pilot_team_id"))
    return arguments


ACTIVITY_FIELDS = tuple(ActivityIn.model_fields)


def _activity_values(activity: Activity) -> dict[str, Any]:
    return {name: getattr(activity, name) for name in ACTIVITY_FIELDS}


# --- Campaigns --------------------------------------------------------------------------


@router.get("/campaigns", response={200: Page[CampaignOut], **ERRORS})
def list_campaigns(request: HttpRequest, filters: Query[CampaignFilters]) -> dict[str, Any]:
    """The organisation's campaigns, most recently changed first (campaign staff only)."""
    member = member_of(request)
    check_may_see_campaigns(member)
    state = filters.state.value if filters.state else ""
    campaigns = (
        selectors.campaigns_of(organisation=member.organisation, state=state)
        .select_related("pilot_team")
        .prefetch_related("target_teams")
    )
    return page_of(campaigns, filters)


@router.post("/campaigns", response={201: CampaignOut, **ERRORS})
def create_campaign(request: HttpRequest, payload: CampaignIn) -> Status[Campaign]:
    """A new draft campaign (content managers)."""
    member = member_of(request)
    with renamed_fields(TEAM_FIELDS):
        campaign = services.create_campaign(
            by=member, **_settings_arguments(member, payload.model_dump())
        )
    return Status(201, campaign)


@router.get("/campaigns/{int:campaign_id}", response={200: CampaignDetailOut, **ERRORS})
def get_campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    """A campaign with its activities and their suggestions."""
    return access_campaign_by_member(member=member_of(request), campaign_id=campaign_id)


@router.patch("/campaigns/{int:campaign_id}", response={200: CampaignOut, **ERRORS})
def update_campaign(request: HttpRequest, campaign_id: int, payload: CampaignPatch) -> Campaign:
    """Change a draft's settings; fields left out keep their values."""
    member = member_of(request)
    campaign = access_campaign_by_member(member=member, campaign_id=campaign_id)
    values = {
        **_campaign_settings(campaign),
        **changes(payload, nullable={"starts_at", "ends_at", "pilot_team_id"}),
    }
    with renamed_fields(TEAM_FIELDS):
        services.update_campaign(
            by=member, campaign=campaign, **_settings_arguments(member, values)
        )
    return campaign


@router.post("/campaigns/{int:campaign_id}/clone", response={201: CampaignOut, **ERRORS})
def clone_campaign(request: HttpRequest, campaign_id: int) -> Status[Campaign]:
    """A new draft with the same settings, activities and suggestions."""
    member = member_of(request)
    campaign = access_campaign_by_member(member=member, campaign_id=campaign_id)
    return Status(201, services.clone_campaign(by=member, campaign=campaign))


# --- Review workflow --------------------------------------------------------------------

type Move = Callable[..., object]


def _move(request: HttpRequest, campaign_id: int, move: Move, **arguments: Any) -> Campaign:
    member = member_of(request)
    campaign = access_campaign_by_member(member=member, campaign_id=campaign_id)
    move(by=member, campaign=campaign, **arguments)
    return campaign


@router.post("/campaigns/{int:campaign_id}/submit", response={200: CampaignOut, **ERRORS})
def submit_campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    """Draft → in review; reviewers are told."""
    return _move(request, campaign_id, services.submit_campaign)


@router.post("/campaigns/{int:campaign_id}/approve", response={200: CampaignOut, **ERRORS})
def approve_campaign(request: HttpRequest, campaign_id: int, payload: ReviewIn) -> Campaign:
    """In review → approved, by a reviewer other than the submitter."""
    return _move(request, campaign_id, services.approve_campaign, comment=payload.comment)


@router.post("/campaigns/{int:campaign_id}/request-changes", response={200: CampaignOut, **ERRORS})
def request_changes(request: HttpRequest, campaign_id: int, payload: ReviewIn) -> Campaign:
    """In review → draft, saying what must change (a comment is required)."""
    return _move(request, campaign_id, services.request_changes, comment=payload.comment)


@router.post("/campaigns/{int:campaign_id}/start-pilot", response={200: CampaignOut, **ERRORS})
def start_pilot(request: HttpRequest, campaign_id: int) -> Campaign:
    """Approved → pilot: the pilot team sees it first."""
    return _move(request, campaign_id, services.start_pilot)


@router.post("/campaigns/{int:campaign_id}/revise", response={200: CampaignOut, **ERRORS})
def revise_campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    """Approved or pilot → draft, to change the content; it must be reviewed again."""
    return _move(request, campaign_id, services.revise_campaign)


@router.post("/campaigns/{int:campaign_id}/go-live", response={200: CampaignOut, **ERRORS})
def go_live(request: HttpRequest, campaign_id: int) -> Campaign:
    """Approved or pilot → live: the audience is offered the activities."""
    return _move(request, campaign_id, services.go_live)


@router.post("/campaigns/{int:campaign_id}/end", response={200: CampaignOut, **ERRORS})
def end_campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    """Live → ended."""
    return _move(request, campaign_id, services.end_campaign)


@router.post("/campaigns/{int:campaign_id}/archive", response={200: CampaignOut, **ERRORS})
def archive_campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    """Draft or ended → archived."""
    return _move(request, campaign_id, services.archive_campaign)


@router.get("/campaigns/{int:campaign_id}/reviews", response={200: Page[ReviewOut], **ERRORS})
def list_reviews(request: HttpRequest, campaign_id: int, page: Query[PageParams]) -> dict[str, Any]:
    """The campaign's review decisions, newest first."""
    campaign = access_campaign_by_member(member=member_of(request), campaign_id=campaign_id)
    return page_of(selectors.reviews_of(campaign=campaign), page)


@router.post(
    "/campaigns/{int:campaign_id}/pilot-feedback", response={200: PilotFeedbackOut, **ERRORS}
)
def pilot_feedback(request: HttpRequest, campaign_id: int, payload: PilotFeedbackIn) -> Any:
    """A pilot team member's answer: how would your audience read this? A new answer replaces it."""
    member = member_of(request)
    campaign = access_pilot_campaign_by_member(member=member, campaign_id=campaign_id)
    return services.record_pilot_feedback(
        by=member, campaign=campaign, reaction=payload.reaction, comment=payload.comment
    )


# --- Activities -------------------------------------------------------------------------


@router.get("/campaigns/{int:campaign_id}/activities", response={200: Page[ActivityOut], **ERRORS})
def list_activities(
    request: HttpRequest, campaign_id: int, page: Query[PageParams]
) -> dict[str, Any]:
    campaign = access_campaign_by_member(member=member_of(request), campaign_id=campaign_id)
    return page_of(selectors.activities_of(campaign=campaign), page)


@router.post("/campaigns/{int:campaign_id}/activities", response={201: ActivityOut, **ERRORS})
def add_activity(request: HttpRequest, campaign_id: int, payload: ActivityIn) -> Status[Activity]:
    """Add an activity to a draft. Images are uploaded separately (POST …/image)."""
    member = member_of(request)
    campaign = access_campaign_by_member(member=member, campaign_id=campaign_id)
    return Status(201, services.add_activity(by=member, campaign=campaign, **payload.model_dump()))


@router.put(
    "/campaigns/{int:campaign_id}/activity-order", response={200: Page[ActivityOut], **ERRORS}
)
def reorder_activities(
    request: HttpRequest, campaign_id: int, payload: ActivityOrderIn
) -> dict[str, Any]:
    member = member_of(request)
    campaign = access_campaign_by_member(member=member, campaign_id=campaign_id)
    with renamed_fields({"__all__": "activity_ids"}):
        services.reorder_activities(by=member, campaign=campaign, order=payload.activity_ids)
    return page_of(
        selectors.activities_of(campaign=campaign), PageParams(limit=MAX_LIMIT, offset=0)
    )


@router.get("/activities/{int:activity_id}", response={200: ActivityOut, **ERRORS})
def get_activity(request: HttpRequest, activity_id: int) -> Activity:
    return access_activity_by_member(member=member_of(request), activity_id=activity_id)


@router.patch("/activities/{int:activity_id}", response={200: ActivityOut, **ERRORS})
def update_activity(request: HttpRequest, activity_id: int, payload: ActivityPatch) -> Activity:
    """Change a draft's activity; fields left out keep their values."""
    member = member_of(request)
    activity = access_activity_by_member(member=member, activity_id=activity_id)
    values = {**_activity_values(activity), **changes(payload, nullable={"expires_at"})}
    return services.update_activity(by=member, activity=activity, **values)


@router.delete("/activities/{int:activity_id}", response={204: None, **ERRORS})
def delete_activity(request: HttpRequest, activity_id: int) -> Status[None]:
    member = member_of(request)
    activity = access_activity_by_member(member=member, activity_id=activity_id)
    services.delete_activity(by=member, activity=activity)
    return Status(204, None)


@router.post("/activities/{int:activity_id}/image", response={200: ActivityOut, **ERRORS})
def upload_activity_image(
    request: HttpRequest,
    activity_id: int,
    image: File[UploadedFile],
    image_alt: Form[str],
) -> Activity:
    """Attach an image (multipart form: image, image_alt); it replaces any earlier one."""
    member = member_of(request)
    activity = access_activity_by_member(member=member, activity_id=activity_id)
    values = {**_activity_values(activity), "image_alt": image_alt}
    return services.update_activity(by=member, activity=activity, image=image, **values)


@router.delete("/activities/{int:activity_id}/image", response={200: ActivityOut, **ERRORS})
def remove_activity_image(request: HttpRequest, activity_id: int) -> Activity:
    member = member_of(request)
    activity = access_activity_by_member(member=member, activity_id=activity_id)
    return services.update_activity(
        by=member, activity=activity, remove_image=True, **_activity_values(activity)
    )


# --- Suggestions ------------------------------------------------------------------------


@router.get(
    "/activities/{int:activity_id}/suggestions", response={200: Page[SuggestionOut], **ERRORS}
)
def list_suggestions(
    request: HttpRequest, activity_id: int, page: Query[PageParams]
) -> dict[str, Any]:
    activity = access_activity_by_member(member=member_of(request), activity_id=activity_id)
    return page_of(activity.suggestions.all(), page)


@router.post("/activities/{int:activity_id}/suggestions", response={201: SuggestionOut, **ERRORS})
def add_suggestion(
    request: HttpRequest, activity_id: int, payload: SuggestionIn
) -> Status[Suggestion]:
    member = member_of(request)
    activity = access_activity_by_member(member=member, activity_id=activity_id)
    return Status(
        201, services.add_suggestion(by=member, activity=activity, **payload.model_dump())
    )


@router.get("/suggestions/{int:suggestion_id}", response={200: SuggestionOut, **ERRORS})
def get_suggestion(request: HttpRequest, suggestion_id: int) -> Any:
    return access_suggestion_by_member(member=member_of(request), suggestion_id=suggestion_id)


@router.patch("/suggestions/{int:suggestion_id}", response={200: SuggestionOut, **ERRORS})
def update_suggestion(request: HttpRequest, suggestion_id: int, payload: SuggestionPatch) -> Any:
    member = member_of(request)
    suggestion = access_suggestion_by_member(member=member, suggestion_id=suggestion_id)
    values = {
        "language": suggestion.language,
        "text": suggestion.text,
        "network": suggestion.network,
        **changes(payload),
    }
    return services.update_suggestion(by=member, suggestion=suggestion, **values)


@router.delete("/suggestions/{int:suggestion_id}", response={204: None, **ERRORS})
def delete_suggestion(request: HttpRequest, suggestion_id: int) -> Status[None]:
    member = member_of(request)
    suggestion = access_suggestion_by_member(member=member, suggestion_id=suggestion_id)
    services.delete_suggestion(by=member, suggestion=suggestion)
    return Status(204, None)
