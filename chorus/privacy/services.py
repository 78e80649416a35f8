"""Deleting a person's account: their personal data goes, the organisations' totals stay.

Posts stay as anonymous records (network, activity, state, publication time) so that
what a campaign achieved does not change when someone leaves; nothing in them points
back to the person. The audit log is append-only: earlier events keep naming the
person as they did, and one new event per organisation records the deletion.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chorus.accounts.models import User
from chorus.audit.actions import AuditAction
from chorus.audit.services import record_event
from chorus.networks.models import ConnectedAccount
from chorus.notifications.models import DigestPreference, Notification
from chorus.orgs.models import Invitation, Membership
from chorus.orgs.roles import Role
from chorus.orgs.services import end_all_sessions
from chorus.privacy import selectors
from chorus.privacy.models import FailedPasswordCheck
from chorus.publishing.models import Post, PublishAttempt
from chorus.publishing.services import cancel_pending_posts
from chorus.sharing.models import FeedEntry, ProgrammeConsent

# Guessing someone's password on an unattended, logged-in browser stays slow.
MAX_FAILED_PASSWORD_CHECKS = 5
FAILED_PASSWORD_WINDOW = timedelta(minutes=15)

# Stored on the cancelled posts, which no longer name anyone.
ACCOUNT_DELETED_REASON = "The author deleted their account."


def check_may_delete_account(*, user: User) -> None:
    """Refuse while deleting ``user`` would leave an organisation without an active owner."""
    sole = selectors.organisations_only_owned_by(user=user)
    if sole:
        raise ValidationError(
            ngettext(
                "You are the only owner of %(organisations)s. Make someone else an owner "
                "first, so that the organisation is not left without one.",
                "You are the only owner of %(organisations)s. Make someone else an owner of "
                "each first, so that no organisation is left without one.",
                len(sole),
            )
            % {"organisations": ", ".join(organisation.name for organisation in sole)},
            code="sole_owner",
        )


def delete_account(*, user: User, password: str, now: datetime | None = None) -> list[str]:
    """Delete ``user`` and everything personal about them; return the organisations they left."""
    now = now or timezone.now()
    _check_password(user, password, now=now)
    with transaction.atomic():
        _lock_owners_of_organisations_of(user)
        check_may_delete_account(user=user)
        memberships = selectors.memberships_of(user=user)
        _anonymise_posts(memberships, now=now)
        _delete_personal_records(user, memberships)
        for membership in memberships:
            record_event(
                organisation=membership.organisation,
                actor=None,
                action=AuditAction.ACCOUNT_DELETED,
                before={"membership_id": membership.pk, "role": membership.role},
            )
        end_all_sessions(user=user)
        try:
            user.delete()
        except (ProtectedError, RestrictedError):
            raise ValidationError(
                _("Your account cannot be deleted yet. Please ask an owner of your organisation.")
            ) from None
    return [membership.organisation.name for membership in memberships]


def _check_password(user: User, password: str, *, now: datetime) -> None:
    recent = FailedPasswordCheck.objects.filter(user=user, at__gt=now - FAILED_PASSWORD_WINDOW)
    if recent.count() >= MAX_FAILED_PASSWORD_CHECKS:
        raise ValidationError(
            {
                "password": _("Too many wrong passwords. Wait %(minutes)d minutes, then try again.")
                % {"minutes": FAILED_PASSWORD_WINDOW.total_seconds() // 60}
            },
            code="too_many_attempts",
        )
    if not password or not user.check_password(password):
        FailedPasswordCheck.objects.create(user=user, at=now)
        raise ValidationError({"password": _("This is not your password.")})


def _lock_owners_of_organisations_of(user: User) -> None:
    """Two owners deleting themselves at once must not leave an organisation with none."""
    organisations = Membership.objects.filter(user=user).values("organisation_id")
    list(
        Membership.objects.select_for_update()
        .filter(organisation_id__in=organisations, role=Role.OWNER)
        .values_list("pk", flat=True)
    )


def _anonymise_posts(memberships: list[Membership], *, now: datetime) -> None:
    posts = Post.objects.filter(member__in=memberships)
    cancel_pending_posts(posts=posts, reason=ACCOUNT_DELETED_REASON, now=now)
    PublishAttempt.objects.filter(post__in=posts).update(detail="")
    posts.update(
        member=None,
        account=None,
        text="",
        approved_text_sha256="",
        signature=[],
        link_url="",
        external_id="",
        external_url="",
        failure_reason="",
    )


def _delete_personal_records(user: User, memberships: list[Membership]) -> None:
    # Connected accounts hold the network credentials; they go with the accounts.
    ConnectedAccount.objects.filter(member__in=memberships).delete()
    ProgrammeConsent.objects.filter(member__in=memberships).delete()
    FeedEntry.objects.filter(member__in=memberships).delete()
    Notification.objects.filter(member__in=memberships).delete()
    DigestPreference.objects.filter(member__in=memberships).delete()
    organisations = [membership.organisation_id for membership in memberships]
    Invitation.objects.filter(
        Q(accepted_by=user) | Q(organisation_id__in=organisations, email__iexact=user.email)
    ).delete()
