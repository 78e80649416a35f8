"""Writing a post for an activity in one's own words, checking it, and approving it."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from chorus.api.v1.auth import member_of
from chorus.api.v1.errors import renamed_fields
from chorus.api.v1.feed import FeedSuggestionOut, LinkCardOut
from chorus.api.v1.schemas import ERRORS, AccountOut, PostOut
from chorus.networks.access import access_account_by_member
from chorus.networks.models import ConnectedAccount
from chorus.orgs.models import Membership
from chorus.publishing.models import Post
from chorus.sharing import selectors, services
from chorus.sharing.access import access_feed_entry_by_member
from chorus.sharing.models import FeedEntry

router = Router(tags=["Compose"])

ACCOUNT_FIELD = {"account": "account_id"}


class ComposerOut(Schema):
    activity_id: int
    accounts: list[AccountOut] = Field(description="Your accounts you may post this to.")
    suggestions: list[FeedSuggestionOut]
    link: LinkCardOut | None


class DraftIn(Schema):
    account_id: int
    text: str = Field(description="Your own words; the disclosure and link are added.")


class ApproveIn(DraftIn):
    acknowledge_similarity: bool = Field(
        False, description="Post anyway although the text resembles others (when allowed)."
    )


class OriginalityOut(Schema):
    score: float
    percent: int
    threshold: float
    similar_to: str = Field(description="colleague, suggestion, or empty.")
    is_copy: bool
    blocks: bool
    needs_acknowledgement: bool
    message: str


class CheckOut(Schema):
    account_id: int
    network: str
    final_text: str = Field(description="Exactly what would be posted.")
    remaining: int = Field(description="Characters left on the network; negative when over.")
    fits: bool
    originality: OriginalityOut


def _composable_entry(member: Membership, activity_id: int) -> FeedEntry:
    entry = access_feed_entry_by_member(member=member, activity_id=activity_id)
    services.check_may_compose(member=member, entry=entry)
    return entry


def _composer_account(member: Membership, entry: FeedEntry, account_id: int) -> ConnectedAccount:
    account = access_account_by_member(member=member, account_id=account_id)
    allowed = selectors.composer_accounts(member=member, campaign=entry.campaign)
    if account.pk not in {a.pk for a in allowed}:
        raise ValidationError(
            {
                "account_id": _(
                    "Choose one of your accounts that takes part, on a network this campaign "
                    "is for."
                )
            }
        )
    return account


@router.get("/compose/{int:activity_id}", response={200: ComposerOut, **ERRORS})
def composer(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    """What you need to write a post for this activity, or why you cannot now (422)."""
    member = member_of(request)
    entry = _composable_entry(member, activity_id)
    return {
        "activity_id": entry.activity_id,
        "accounts": selectors.composer_accounts(member=member, campaign=entry.campaign),
        "suggestions": selectors.suggestions_of(activity=entry.activity),
        "link": selectors.link_card(entry.activity),
    }


@router.post("/compose/{int:activity_id}/check", response={200: CheckOut, **ERRORS})
def check_draft(request: HttpRequest, activity_id: int, payload: DraftIn) -> dict[str, Any]:
    """The exact final text, the characters left, and how close it is to others' words."""
    member = member_of(request)
    entry = _composable_entry(member, activity_id)
    account = _composer_account(member, entry, payload.account_id)
    preview = services.preview_draft(entry=entry, account=account, text=payload.text)
    final, left, originality = preview.final_text, preview.remaining, preview.originality
    return {
        "account_id": account.pk,
        "network": account.network,
        "final_text": final,
        "remaining": left,
        "fits": left >= 0,
        "originality": {
            "score": originality.score,
            "percent": originality.percent,
            "threshold": originality.threshold,
            "similar_to": originality.similar_to,
            "is_copy": originality.is_copy,
            "blocks": originality.blocks,
            "needs_acknowledgement": originality.needs_acknowledgement,
            "message": originality.message,
        },
    }


@router.post("/compose/{int:activity_id}/approve", response={201: PostOut, **ERRORS})
def approve_post(request: HttpRequest, activity_id: int, payload: ApproveIn) -> Status[Post]:
    """Approve this exact text for this account. It goes out only once you schedule it."""
    member = member_of(request)
    entry = access_feed_entry_by_member(member=member, activity_id=activity_id)
    account = access_account_by_member(member=member, account_id=payload.account_id)
    with renamed_fields(ACCOUNT_FIELD):
        post = services.approve_post(
            member=member,
            activity=entry.activity,
            account=account,
            text=payload.text,
            acknowledge_similarity=payload.acknowledge_similarity,
        )
    return Status(201, post)
