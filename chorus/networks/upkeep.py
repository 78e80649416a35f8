"""Keeping connected accounts alive and their numbers current, run by periodic jobs.

- ``renew_tokens``: tokens about to expire are refreshed through their connector;
  where a network cannot refresh them, the owner is reminded a week before expiry
  and, at expiry, the account is marked as needing reconnection.
- ``record_follower_counts``: each account's follower count, one snapshot a day.
- ``refresh_post_metrics``: likes, reposts and replies of recent published posts,
  asked for less often the older a post gets.
- ``rotate_token_keys``: every stored secret re-encrypted with the newest key
  (run by ``manage.py chorus_rotate_token_keys``).

Each account is handled on its own: a network that fails for one account never
stops the others. Nothing here logs a token or a network's reply body.
"""

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum, auto

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Length
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chorus.networks.connectors import get_connector
from chorus.networks.connectors.base import (
    AuthError,
    Connector,
    Credentials,
    NotSupported,
    PermanentError,
    RateLimited,
    TransientError,
)
from chorus.networks.models import (
    AccountStatus,
    ConnectedAccount,
    FollowerSnapshot,
    InstanceApp,
    NetworkApp,
)
from chorus.networks.selectors import snapshot_day
from chorus.networks.services import accounts_page_url, mark_needs_reconnect
from chorus.notifications.models import NotificationKind
from chorus.notifications.services import notify
from chorus.publishing.models import Post, PostMetrics, PostState

logger = logging.getLogger(__name__)

# Tokens expiring within this are refreshed.
REFRESH_MARGIN = timedelta(days=1)
# Owners of tokens that cannot be refreshed hear this long before they expire.
REMINDER_LEAD = timedelta(days=7)
# Published posts are followed this long after publishing.
METRICS_WINDOW = timedelta(days=30)
# How often a post's metrics are asked for, by the post's age: (younger than, every).
METRICS_INTERVALS = (
    (timedelta(days=1), timedelta(hours=1)),
    (timedelta(days=7), timedelta(hours=6)),
)
METRICS_INTERVAL_AFTER = timedelta(days=1)
METRICS_BACKOFF_START = timedelta(minutes=15)
METRICS_BACKOFF_MAX = timedelta(days=1)
# A post whose metrics the network does not offer is never asked about again.
NEVER = datetime(9999, 1, 1, tzinfo=UTC)
# Posts asked about in one run; the rest wait for the next.
METRICS_BATCH_SIZE = 200
# Accounts loaded at a time.
ACCOUNT_BATCH_SIZE = 200


class _Connectors:
    """Each network's connector, made once per run; None where none is configured."""

    def __init__(self) -> None:
        self._made: dict[str, Connector | None] = {}

    def for_network(self, network: str) -> Connector | None:
        if network not in self._made:
            try:
                self._made[network] = get_connector(network)
            except (ImproperlyConfigured, ImportError):
                logger.warning("No connector is configured for %s; its accounts wait", network)
                self._made[network] = None
        return self._made[network]


def _in_batches(
    accounts: QuerySet[ConnectedAccount], size: int = ACCOUNT_BATCH_SIZE
) -> Iterator[ConnectedAccount]:
    """The accounts, a batch at a time by id: rows are written while the batches are read."""
    last_pk = 0
    while True:
        batch = list(accounts.filter(pk__gt=last_pk).order_by("pk")[:size])
        if not batch:
            return
        yield from batch
        last_pk = batch[-1].pk


def _owners_language(account: ConnectedAccount) -> str:
    return account.member.user.language or account.organisation.default_language


def _reads_allowed(now: datetime) -> Q:
    return Q(reads_paused_until__isnull=True) | Q(reads_paused_until__lte=now)


# Tokens


class _Refresh(Enum):
    REFRESHED = auto()
    CANNOT_REFRESH = auto()
    NEEDS_RECONNECT = auto()
    TRY_LATER = auto()


@dataclass
class TokenRenewal:
    refreshed: int = 0
    reminded: int = 0
    expired: int = 0
    needs_reconnect: int = 0
    try_later: int = 0


def accounts_due_for_renewal(
    *, now: datetime, margin: timedelta = REFRESH_MARGIN
) -> QuerySet[ConnectedAccount]:
    """Active accounts whose token is within the margin, or a week out and not yet reminded.

    A week out, a network that can refresh the token does so early; one that cannot
    is thereby found out, and its owner reminded.
    """
    return ConnectedAccount.objects.filter(
        status=AccountStatus.ACTIVE,
        token_expires_at__isnull=False,
        token_expires_at__lte=now + REMINDER_LEAD,
    ).filter(Q(token_expires_at__lte=now + margin) | Q(expiry_reminders_sent=0))


def renew_tokens(
    *, now: datetime | None = None, margin: timedelta = REFRESH_MARGIN
) -> TokenRenewal:
    """Refresh tokens before they expire; remind owners of those that cannot be refreshed."""
    now = now or timezone.now()
    renewal = TokenRenewal()
    connectors = _Connectors()
    due = accounts_due_for_renewal(now=now, margin=margin).select_related(
        "member__user", "organisation"
    )
    for account in _in_batches(due):
        connector = connectors.for_network(account.network)
        if connector is None:
            renewal.try_later += 1
            continue
        outcome = _refresh(connector, account, now=now)
        if outcome is _Refresh.REFRESHED:
            renewal.refreshed += 1
        elif outcome is _Refresh.NEEDS_RECONNECT:
            renewal.needs_reconnect += 1
        elif outcome is _Refresh.TRY_LATER:
            renewal.try_later += 1
        elif _expire(account, now=now):
            renewal.expired += 1
        elif _remind(account):
            renewal.reminded += 1
    return renewal


def _refresh(connector: Connector, account: ConnectedAccount, *, now: datetime) -> _Refresh:
    try:
        credentials = connector.refresh(account)
    except AuthError as error:
        _needs_reconnect(account, reason=error.reason, now=now)
        return _Refresh.NEEDS_RECONNECT
    except (TransientError, RateLimited):
        logger.info("Refreshing account %s on %s failed for now", account.pk, account.network)
        return _Refresh.TRY_LATER
    except Exception as error:
        # A connector bug or an unexpected reply; the class only, a message may hold a secret.
        logger.error(
            "Refreshing account %s on %s failed: %s",
            account.pk,
            account.network,
            type(error).__name__,
        )
        return _Refresh.TRY_LATER
    if credentials is None:
        return _Refresh.CANNOT_REFRESH
    _store_refreshed(account, credentials=credentials)
    logger.info("Refreshed the token of account %s on %s", account.pk, account.network)
    return _Refresh.REFRESHED


def _store_refreshed(account: ConnectedAccount, *, credentials: Credentials) -> None:
    # Unless the owner reconnected meanwhile: their new token wins over this refresh.
    stored = ConnectedAccount.objects.filter(
        pk=account.pk, token_expires_at=account.token_expires_at
    ).update(
        credentials=credentials, token_expires_at=credentials.expires_at, expiry_reminders_sent=0
    )
    if stored:
        account.credentials = credentials
        account.token_expires_at = credentials.expires_at
        account.expiry_reminders_sent = 0


def _needs_reconnect(account: ConnectedAccount, *, reason: str, now: datetime) -> None:
    with transaction.atomic():
        mark_needs_reconnect(account=account, reason=reason, now=now)


def _expire(account: ConnectedAccount, *, now: datetime) -> bool:
    """At expiry: the last reminder, and the account's queue stops until it is reconnected."""
    assert account.token_expires_at is not None
    if account.token_expires_at > now:
        return False
    with transaction.atomic():
        ConnectedAccount.objects.filter(pk=account.pk).update(expiry_reminders_sent=2)
        account.expiry_reminders_sent = 2
        with translation.override(_owners_language(account)):
            reason = _("The connection to %(network)s expired.") % {
                "network": account.get_network_display()
            }
        # Its notice (mailed at once, with the link to reconnect) is the reminder at expiry.
        mark_needs_reconnect(account=account, reason=reason, now=now)
    return True


def _remind(account: ConnectedAccount) -> bool:
    """A week before expiry, once per token: reconnect before it stops working."""
    assert account.token_expires_at is not None
    with transaction.atomic():
        claimed = ConnectedAccount.objects.filter(
            pk=account.pk,
            status=AccountStatus.ACTIVE,
            expiry_reminders_sent=0,
            token_expires_at=account.token_expires_at,
        ).update(expiry_reminders_sent=1)
        if not claimed:
            return False
        account.expiry_reminders_sent = 1
        notify(
            member=account.member,
            kind=NotificationKind.ACCOUNT_EXPIRES_SOON,
            params={
                "network": account.network,
                "account": account.handle,
                "expires_at": account.token_expires_at.isoformat(),
            },
            url=accounts_page_url(member=account.member),
            email_now=True,
        )
    return True


# Followers


@dataclass
class FollowerCheck:
    recorded: int = 0
    not_supported: int = 0
    paused: int = 0
    needs_reconnect: int = 0
    try_later: int = 0


def record_follower_counts(*, now: datetime | None = None) -> FollowerCheck:
    """Each active account's follower count now, kept as that day's snapshot."""
    now = now or timezone.now()
    check = FollowerCheck()
    connectors = _Connectors()
    accounts = ConnectedAccount.objects.filter(status=AccountStatus.ACTIVE).filter(
        _reads_allowed(now)
    )
    for account in _in_batches(accounts.select_related("member__user", "organisation")):
        connector = connectors.for_network(account.network)
        if connector is None:
            check.try_later += 1
            continue
        try:
            followers = connector.follower_count(account)
        except NotSupported:
            check.not_supported += 1
        except RateLimited as error:
            _pause_reads(account, until=error.reset_at, now=now)
            check.paused += 1
        except AuthError as error:
            _needs_reconnect(account, reason=error.reason, now=now)
            check.needs_reconnect += 1
        except Exception as error:
            _log_read_failure("Follower count", account, error)
            check.try_later += 1
        else:
            record_followers(account=account, followers=followers, now=now)
            check.recorded += 1
    return check


def record_followers(*, account: ConnectedAccount, followers: int, now: datetime) -> None:
    """The account's count now, and that day's snapshot: a second check the same day updates it."""
    with transaction.atomic():
        ConnectedAccount.objects.filter(pk=account.pk).update(
            followers_count=followers, followers_checked_at=now
        )
        account.followers_count, account.followers_checked_at = followers, now
        FollowerSnapshot.objects.update_or_create(
            account=account,
            day=snapshot_day(now),
            defaults={"followers": followers, "recorded_at": now},
        )


def _pause_reads(account: ConnectedAccount, *, until: datetime, now: datetime) -> None:
    until = max(until, now)
    ConnectedAccount.objects.filter(pk=account.pk).update(reads_paused_until=until)
    account.reads_paused_until = until
    logger.info("Reads of account %s on %s paused until %s", account.pk, account.network, until)


def _log_read_failure(what: str, account: ConnectedAccount, error: Exception) -> None:
    if isinstance(error, TransientError):
        logger.info("%s of account %s on %s failed for now", what, account.pk, account.network)
        return
    logger.error(
        "%s of account %s on %s failed: %s",
        what,
        account.pk,
        account.network,
        type(error).__name__,
    )


# Post metrics


class _Fetch(Enum):
    REFRESHED = auto()
    STOPPED = auto()
    FAILED = auto()
    ACCOUNT_RESTS = auto()


@dataclass
class MetricsRefresh:
    refreshed: int = 0
    failed: int = 0
    stopped: int = 0
    skipped: int = 0


def metrics_interval(*, age: timedelta) -> timedelta:
    """How long until a post of this age is asked about again: young posts change fast."""
    for younger_than, every in METRICS_INTERVALS:
        if age < younger_than:
            return every
    return METRICS_INTERVAL_AFTER


def metrics_backoff(*, failures: int) -> timedelta:
    """The wait after the ``failures``-th failure in a row (1-based): doubling, capped."""
    wait = METRICS_BACKOFF_START * (1 << min(failures - 1, 16))
    return min(wait, METRICS_BACKOFF_MAX)


def posts_due_for_metrics(*, now: datetime, window: timedelta = METRICS_WINDOW) -> QuerySet[Post]:
    """Recent published posts whose metrics are due, on accounts that may be read now."""
    return (
        Post.objects.filter(
            state=PostState.PUBLISHED,
            published_at__gte=now - window,
            account__status=AccountStatus.ACTIVE,
        )
        .exclude(external_id="")
        .filter(
            Q(account__reads_paused_until__isnull=True) | Q(account__reads_paused_until__lte=now)
        )
        .filter(Q(metrics__isnull=True) | Q(metrics__next_refresh_at__lte=now))
        .order_by(F("metrics__next_refresh_at").asc(nulls_first=True), "pk")
    )


def refresh_post_metrics(
    *,
    now: datetime | None = None,
    window: timedelta = METRICS_WINDOW,
    batch_size: int = METRICS_BATCH_SIZE,
) -> MetricsRefresh:
    """Ask the networks about at most ``batch_size`` due posts; the rest wait for the next run."""
    now = now or timezone.now()
    result = MetricsRefresh()
    connectors = _Connectors()
    # Accounts the network asked to leave alone (or that need reconnecting) during this run.
    resting: set[int] = set()
    posts = posts_due_for_metrics(now=now, window=window).select_related(
        "account__member__user", "account__organisation", "metrics"
    )
    for post in list(posts[:batch_size]):
        account = post.account
        assert account is not None
        if account.pk in resting:
            result.skipped += 1
            continue
        metrics = _metrics_of(post, now=now)
        connector = connectors.for_network(post.network)
        if connector is None:
            _metrics_failed(metrics, now=now)
            result.failed += 1
            continue
        outcome = _fetch_metrics(connector, post, account=account, metrics=metrics, now=now)
        if outcome is _Fetch.REFRESHED:
            result.refreshed += 1
        elif outcome is _Fetch.STOPPED:
            result.stopped += 1
        elif outcome is _Fetch.FAILED:
            result.failed += 1
        else:
            resting.add(account.pk)
            result.skipped += 1
    return result


def _metrics_of(post: Post, *, now: datetime) -> PostMetrics:
    try:
        return post.metrics
    except PostMetrics.DoesNotExist:
        metrics, _created = PostMetrics.objects.get_or_create(
            post=post, defaults={"next_refresh_at": now}
        )
        return metrics


def _fetch_metrics(
    connector: Connector,
    post: Post,
    *,
    account: ConnectedAccount,
    metrics: PostMetrics,
    now: datetime,
) -> _Fetch:
    try:
        counted = connector.post_metrics(account, post.external_id)
    except RateLimited as error:
        _pause_reads(account, until=error.reset_at, now=now)
        return _Fetch.ACCOUNT_RESTS
    except AuthError as error:
        _needs_reconnect(account, reason=error.reason, now=now)
        return _Fetch.ACCOUNT_RESTS
    except (NotSupported, PermanentError):
        # The network will never tell (or the post is gone from it): stop asking.
        _save(metrics, next_refresh_at=NEVER)
        return _Fetch.STOPPED
    except Exception as error:
        _log_read_failure(f"Metrics of post {post.pk}", account, error)
        retry_after = error.retry_after if isinstance(error, TransientError) else None
        _metrics_failed(metrics, now=now, retry_after=retry_after)
        return _Fetch.FAILED
    age = now - (post.published_at or now)
    _save(
        metrics,
        likes=counted.likes,
        reposts=counted.reposts,
        replies=counted.replies,
        impressions=counted.impressions,
        refreshed_at=now,
        failures=0,
        next_refresh_at=now + metrics_interval(age=age),
    )
    return _Fetch.REFRESHED


def _metrics_failed(
    metrics: PostMetrics, *, now: datetime, retry_after: timedelta | None = None
) -> None:
    failures = metrics.failures + 1
    wait = max(metrics_backoff(failures=failures), retry_after or timedelta(0))
    _save(metrics, failures=failures, next_refresh_at=now + wait)


def _save(metrics: PostMetrics, **changes: object) -> None:
    for field, value in changes.items():
        setattr(metrics, field, value)
    metrics.save(update_fields=list(changes))


# Encryption keys


# Every value encrypted with CHORUS_TOKEN_KEYS: (model, field).
ENCRYPTED_FIELDS: tuple[tuple[type[models.Model], str], ...] = (
    (ConnectedAccount, "credentials"),
    (NetworkApp, "client_secret"),
    (InstanceApp, "client_secret"),
)
ROTATION_BATCH_SIZE = 500


def rotate_token_keys(*, batch_size: int = ROTATION_BATCH_SIZE) -> dict[str, int]:
    """Re-encrypt every stored secret with the newest key; how many rows of each model.

    Values are read with whichever key made them and written with the first one,
    after which older keys can be dropped. Running it again changes nothing readable.
    """
    return {
        str(model._meta.verbose_name_plural): _rotate(model, field, batch_size=batch_size)
        for model, field in ENCRYPTED_FIELDS
    }


def _rotate(model: type[models.Model], field: str, *, batch_size: int) -> int:
    # Length() reads the stored column as it is, so empty values are skipped undecrypted.
    stored = model._default_manager.annotate(stored_length=Length(field)).filter(
        stored_length__gt=0
    )
    rotated, last_pk = 0, 0
    while True:
        with transaction.atomic():
            # Locked, so a token refreshed meanwhile is not overwritten with its old value.
            batch = list(
                stored.select_for_update()
                .filter(pk__gt=last_pk)
                .only("pk", field)
                .order_by("pk")[:batch_size]
            )
            if not batch:
                return rotated
            # Saving re-encrypts with the newest key.
            model._default_manager.bulk_update(batch, [field])
        rotated += len(batch)
        last_pk = batch[-1].pk
