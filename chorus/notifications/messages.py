"""Each kind of notification in words, filled from its params in the active language.

Params are written by many parts of Chorus and stored for a long time, so a missing
or malformed param never breaks a page or an email: the kind's label stands in.

What each kind reads from its params (optional ones in brackets):

- new_activities: name (of the campaign), count, [campaign: its id]
- post_published: network
- post_failed: [network], [reason]
- account_needs_reconnect: account, [network]
- account_expires_soon: account, [network], [expires_at: ISO 8601]
- posts_cancelled: count, [reason]
- rally_fired, rally_missed: rally
- campaign_review: campaign (or name), [decision: approved / changes_requested]
- pilot_feedback: campaign (or name), [by: who gave the feedback]
- policy_published, policy_reminder: version, [count: posts paused until it is accepted]
- posts_paused: count, version
- register_review_due: count
"""

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chorus.networks.networks import Network
from chorus.notifications.models import NotificationKind

type Params = Mapping[str, Any]


class MissingParam(Exception):
    """A param the message needs is absent, empty or of the wrong type."""


def _text(params: Params, *keys: str) -> str:
    """The first of ``keys`` that holds some text (a bare id is no name to show)."""
    for key in keys:
        value = params.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    raise MissingParam(keys)


def _optional_text(params: Params, key: str) -> str:
    try:
        return _text(params, key)
    except MissingParam:
        return ""


def _count(params: Params) -> int:
    value = params.get("count")
    if isinstance(value, bool):
        raise MissingParam("count")
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise MissingParam("count") from None


def _network(params: Params) -> str:
    network = _optional_text(params, "network")
    if network in Network.values:
        return str(Network(network).label)
    return network


def _new_activities(params: Params) -> str:
    count = _count(params)
    return ngettext(
        "%(count)d new activity in %(name)s",
        "%(count)d new activities in %(name)s",
        count,
    ) % {"count": count, "name": _text(params, "name")}


def _post_published(params: Params) -> str:
    network = _network(params)
    if not network:
        raise MissingParam("network")
    return _("Your post on %(network)s was published.") % {"network": network}


def _post_failed(params: Params) -> str:
    network, reason = _network(params), _optional_text(params, "reason")
    if network and reason:
        return _("Your post on %(network)s could not be published: %(reason)s") % {
            "network": network,
            "reason": reason,
        }
    if network:
        return _("Your post on %(network)s could not be published.") % {"network": network}
    if reason:
        return _("Your post could not be published: %(reason)s") % {"reason": reason}
    raise MissingParam("network", "reason")


def _account_needs_reconnect(params: Params) -> str:
    account, network = _text(params, "account", "handle"), _network(params)
    if network:
        return _(
            "Reconnect your %(network)s account %(account)s: Chorus can no longer post with it."
        ) % {"network": network, "account": account}
    return _("Reconnect your account %(account)s: Chorus can no longer post with it.") % {
        "account": account
    }


def _expiry_date(params: Params) -> str:
    """The day the connection expires, in the reader's time zone; empty if not known."""
    try:
        moment = datetime.fromisoformat(_text(params, "expires_at"))
    except (MissingParam, ValueError):
        return ""
    if timezone.is_naive(moment):
        return ""
    return formats.date_format(timezone.localtime(moment), "DATE_FORMAT")


def _account_expires_soon(params: Params) -> str:
    network, day = _network(params), _expiry_date(params)
    names = {"network": network, "account": _text(params, "account", "handle"), "date": day}
    if network and day:
        return (
            _(
                "Your %(network)s account %(account)s stops working on %(date)s unless you "
                "reconnect it before then."
            )
            % names
        )
    if network:
        return (
            _("Your %(network)s account %(account)s stops working soon unless you reconnect it.")
            % names
        )
    return _("Your account %(account)s stops working soon unless you reconnect it.") % names


def _posts_cancelled(params: Params) -> str:
    count, reason = _count(params), _optional_text(params, "reason")
    if reason:
        return ngettext(
            "%(count)d post that had not gone out yet was cancelled: %(reason)s",
            "%(count)d posts that had not gone out yet were cancelled: %(reason)s",
            count,
        ) % {"count": count, "reason": reason}
    return ngettext(
        "%(count)d post that had not gone out yet was cancelled.",
        "%(count)d posts that had not gone out yet were cancelled.",
        count,
    ) % {"count": count}


def _rally_fired(params: Params) -> str:
    return _("The rally “%(rally)s” reached its goal: your post is going out.") % {
        "rally": _text(params, "rally", "name")
    }


def _rally_missed(params: Params) -> str:
    return _("The rally “%(rally)s” did not reach its goal, so nothing was posted.") % {
        "rally": _text(params, "rally", "name")
    }


def _campaign_review(params: Params) -> str:
    campaign = _text(params, "name", "campaign")
    decision = _optional_text(params, "decision")
    if decision == "approved":
        return _("The campaign “%(campaign)s” was approved.") % {"campaign": campaign}
    if decision == "changes_requested":
        return _("Changes were requested to the campaign “%(campaign)s”.") % {"campaign": campaign}
    return _("The campaign “%(campaign)s” is waiting for your review.") % {"campaign": campaign}


def _post_review_approved(params: Params) -> str:
    network, reason = _network(params), _optional_text(params, "reason")
    if not network:
        raise MissingParam("network")
    if reason:
        return _("A reviewer approved your post on %(network)s: %(reason)s") % {
            "network": network,
            "reason": reason,
        }
    return _("A reviewer approved your post on %(network)s; it can go out as planned.") % {
        "network": network
    }


def _pilot_feedback(params: Params) -> str:
    campaign = _text(params, "name", "campaign")
    by = _optional_text(params, "by")
    if by:
        return _("%(by)s gave pilot feedback on the campaign “%(campaign)s”.") % {
            "by": by,
            "campaign": campaign,
        }
    return _(
        "The campaign “%(campaign)s” is in pilot: tell us how your audience would read it."
    ) % {"campaign": campaign}


def _register_review_due(params: Params) -> str:
    count = _count(params)
    return ngettext(
        "%(count)d account in the register is due for review: check its owner and access.",
        "%(count)d accounts in the register are due for review: check their owners and access.",
        count,
    ) % {"count": count}


def _paused_count(params: Params) -> int:
    try:
        return _count(params)
    except MissingParam:
        return 0


def _policy_published(params: Params) -> str:
    version, count = _text(params, "version"), _paused_count(params)
    if count:
        return ngettext(
            "Version %(version)s of the social media policy is out. Read and accept it: "
            "%(count)d scheduled post of yours is paused until you do.",
            "Version %(version)s of the social media policy is out. Read and accept it: "
            "%(count)d scheduled posts of yours are paused until you do.",
            count,
        ) % {"version": version, "count": count}
    return _(
        "Version %(version)s of the social media policy is out. Please read and accept it."
    ) % {"version": version}


def _policy_reminder(params: Params) -> str:
    version, count = _text(params, "version"), _paused_count(params)
    if count:
        return ngettext(
            "A reminder: please read and accept version %(version)s of the social media "
            "policy. %(count)d post of yours is paused until you do.",
            "A reminder: please read and accept version %(version)s of the social media "
            "policy. %(count)d posts of yours are paused until you do.",
            count,
        ) % {"version": version, "count": count}
    return _(
        "A reminder: please read and accept version %(version)s of the social media policy."
    ) % {"version": version}


def _posts_paused(params: Params) -> str:
    count = _count(params)
    return ngettext(
        "%(count)d post of yours was paused: accept version %(version)s of the social media "
        "policy and it goes out.",
        "%(count)d posts of yours were paused: accept version %(version)s of the social media "
        "policy and they go out.",
        count,
    ) % {"count": count, "version": _text(params, "version")}


MESSAGES: dict[str, Callable[[Params], str]] = {
    NotificationKind.NEW_ACTIVITIES: _new_activities,
    NotificationKind.POST_PUBLISHED: _post_published,
    NotificationKind.POST_FAILED: _post_failed,
    NotificationKind.ACCOUNT_NEEDS_RECONNECT: _account_needs_reconnect,
    NotificationKind.ACCOUNT_EXPIRES_SOON: _account_expires_soon,
    NotificationKind.POSTS_CANCELLED: _posts_cancelled,
    NotificationKind.RALLY_FIRED: _rally_fired,
    NotificationKind.RALLY_MISSED: _rally_missed,
    NotificationKind.CAMPAIGN_REVIEW: _campaign_review,
    NotificationKind.PILOT_FEEDBACK: _pilot_feedback,
    NotificationKind.POST_REVIEW_APPROVED: _post_review_approved,
    # Social media policy
    NotificationKind.POLICY_PUBLISHED: _policy_published,
    NotificationKind.POLICY_REMINDER: _policy_reminder,
    NotificationKind.POSTS_PAUSED: _posts_paused,
    # Training
    # Account register
    NotificationKind.REGISTER_REVIEW_DUE: _register_review_due,
    # Offboarding
    # Incentives
}


def label_for(kind: str) -> str:
    labels = dict(NotificationKind.choices)
    return str(labels.get(kind, _("Notification")))


def message_for(*, kind: str, params: object) -> str:
    """The notification as one sentence; the kind's label if its params do not fit."""
    build = MESSAGES.get(kind)
    if build is None or not isinstance(params, Mapping):
        return label_for(kind)
    try:
        return build(params)
    except (MissingParam, KeyError, TypeError, ValueError):
        return label_for(kind)


def subject_for(*, kind: str, params: object) -> str:
    """A short email subject: the message without its explanation, which the body gives."""
    if isinstance(params, Mapping):
        if kind == NotificationKind.POST_FAILED:
            return _failed_subject(params)
        if kind in (
            NotificationKind.ACCOUNT_NEEDS_RECONNECT,
            NotificationKind.ACCOUNT_EXPIRES_SOON,
        ):
            return _reconnect_subject(params)
    return message_for(kind=kind, params=params)


def _failed_subject(params: Params) -> str:
    network = _network(params)
    if network:
        return _("Your post on %(network)s was not published") % {"network": network}
    return _("Your post was not published")


def _reconnect_subject(params: Params) -> str:
    try:
        account = _text(params, "account", "handle")
    except MissingParam:
        return _("Reconnect your account")
    network = _network(params)
    if network:
        return _("Reconnect your %(network)s account %(account)s") % {
            "network": network,
            "account": account,
        }
    return _("Reconnect your account %(account)s") % {"account": account}


ACTIONS: dict[str, Callable[[], str]] = {
    NotificationKind.NEW_ACTIVITIES: lambda: _("See the activities"),
    NotificationKind.POST_PUBLISHED: lambda: _("See your post"),
    NotificationKind.POST_FAILED: lambda: _("See the post and try again"),
    NotificationKind.ACCOUNT_NEEDS_RECONNECT: lambda: _("Reconnect the account"),
    NotificationKind.ACCOUNT_EXPIRES_SOON: lambda: _("Reconnect the account"),
    NotificationKind.POSTS_CANCELLED: lambda: _("See your posts"),
    NotificationKind.RALLY_FIRED: lambda: _("See the rally"),
    NotificationKind.RALLY_MISSED: lambda: _("See the rally"),
    NotificationKind.CAMPAIGN_REVIEW: lambda: _("Open the campaign"),
    NotificationKind.PILOT_FEEDBACK: lambda: _("Open the campaign"),
    NotificationKind.POST_REVIEW_APPROVED: lambda: _("See your reviews"),
    # Social media policy
    NotificationKind.POLICY_PUBLISHED: lambda: _("Read the policy"),
    NotificationKind.POLICY_REMINDER: lambda: _("Read the policy"),
    NotificationKind.POSTS_PAUSED: lambda: _("Read the policy"),
    # Training
    # Account register
    NotificationKind.REGISTER_REVIEW_DUE: lambda: _("Review the register"),
    # Offboarding
    # Incentives
}


def action_for(*, kind: str) -> str:
    """What following the notification's link lets the reader do."""
    action = ACTIONS.get(kind)
    return action() if action is not None else _("Open")
