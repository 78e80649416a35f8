"""LinkedIn: members' own posts through the Posts API, with the organisation's app.

The member signs in with LinkedIn's three-legged OAuth flow (scopes ``openid
profile w_member_social``). LinkedIn documents PKCE only for native apps on
loopback redirects, enabled per app by LinkedIn, so Chorus's code challenge is
not sent: the client secret and ``state`` protect the web flow.

Idempotency: LinkedIn takes no idempotency key. Two things stand in for one:

- On a retry of a post (its earlier attempt may have reached LinkedIn before
  the answer was lost), ``find_published`` first looks through the author's
  recent posts for the same commentary. Reading posts back needs the
  restricted ``r_member_social`` permission; without it the look-up is skipped.
- LinkedIn refuses a copy of a recent post with "Content is a duplicate of
  urn:li:share:..."; on a retry that names the post the earlier attempt made.

Commentary uses LinkedIn's "little" text format, where characters such as
``(``, ``@`` or ``*`` are markup: they are escaped so the post reads exactly as
approved. Hashtags (``#word``) stay hashtags.
"""

import re
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.networks.connectors.base import (
    AppCredentials,
    AuthError,
    Connection,
    Credentials,
    NotSupported,
    OutgoingPost,
    PermanentError,
    PostMetrics,
    PublishedPost,
)
from chorus.networks.connectors.linkedin import client
from chorus.networks.connectors.linkedin.errors import DuplicatePost
from chorus.networks.models import ConnectedAccount, NetworkApp
from chorus.networks.networks import Network
from chorus.publishing.selectors import is_retry, sent_post

# How many of the author's latest posts find_published reads (members post a few a day).
RECENT_POSTS = 20
# "little" markup characters; '#' only when it does not start a hashtag.
_LITTLE_RESERVED = re.compile(r"[|{}@\[\]()<>\\*_~]|#(?!\w)")


def person_urn(account: ConnectedAccount) -> str:
    return f"urn:li:person:{account.external_id}"


def escape_little(text: str) -> str:
    """``text`` as plain text in LinkedIn's "little" format."""
    return _LITTLE_RESERVED.sub(lambda match: "\\" + match.group(0), text)


def post_url(urn: str) -> str:
    return f"https://www.linkedin.com/feed/update/{urn}/"


class LinkedInConnector:
    network: ClassVar[str] = Network.LINKEDIN

    # Connecting

    def authorization_url(
        self,
        *,
        app: AppCredentials | None,
        server: str,
        redirect_uri: str,
        state: str,
        code_challenge: str,
    ) -> str:
        return client.authorization_url(
            client_id=_required(app).client_id, redirect_uri=redirect_uri, state=state
        )

    def complete_authorization(
        self,
        *,
        app: AppCredentials | None,
        server: str,
        redirect_uri: str,
        code: str,
        code_verifier: str,
    ) -> Connection:
        tokens = client.exchange_code(app=_required(app), redirect_uri=redirect_uri, code=code)
        credentials = _credentials(tokens)
        member = client.userinfo(access_token=credentials.access_token)
        sub = str(member.get("sub") or "")
        if not sub:
            raise PermanentError(_("LinkedIn did not say which member signed in."))
        name = str(member.get("name") or "").strip()
        return Connection(
            external_id=sub,
            # OpenID Connect gives no public handle; the member's name stands in for one.
            handle=name or sub,
            display_name=name,
            credentials=credentials,
        )

    # Posting

    def publish(self, account: ConnectedAccount, post: OutgoingPost) -> PublishedPost:
        retry = is_retry(account=account, idempotency_key=post.idempotency_key)
        if retry:
            found = self._find_if_allowed(account, post.idempotency_key)
            if found is not None:
                return found
        with self._api(account) as api:
            body = self._post_body(api, account, post)
            try:
                urn = api.create_post(body)
            except DuplicatePost as duplicate:
                if retry:
                    return PublishedPost(
                        external_id=duplicate.existing_urn, url=post_url(duplicate.existing_urn)
                    )
                raise
        return PublishedPost(external_id=urn, url=post_url(urn))

    def find_published(
        self, account: ConnectedAccount, idempotency_key: str
    ) -> PublishedPost | None:
        sent = sent_post(account=account, idempotency_key=idempotency_key)
        if sent is None:
            return None
        wanted = {sent.text.strip(), escape_little(sent.text).strip()}
        not_before = sent.since
        with self._api(account) as api:
            recent = api.posts_by_author(person_urn(account), count=RECENT_POSTS)
        for element in recent:
            urn = str(element.get("id") or "")
            commentary = str(element.get("commentary") or "").strip()
            if urn and commentary in wanted and _created_at(element) >= not_before:
                return PublishedPost(external_id=urn, url=post_url(urn))
        return None

    def delete(self, account: ConnectedAccount, external_id: str) -> None:
        with self._api(account) as api:
            api.delete_post(external_id)

    def repost(self, account: ConnectedAccount, external_id: str) -> None:
        # A reshare is a post of the member's own whose parent is the original.
        body = {
            **_post_envelope(account, commentary=""),
            "isReshareDisabledByAuthor": False,
            "reshareContext": {"parent": external_id},
        }
        with self._api(account) as api:
            api.create_post(body)

    def like(self, account: ConnectedAccount, external_id: str) -> None:
        with self._api(account) as api:
            api.react(actor=person_urn(account), root=external_id)

    def comment(
        self, account: ConnectedAccount, external_id: str, post: OutgoingPost
    ) -> PublishedPost:
        with self._api(account) as api:
            created = api.create_comment(
                target=external_id, actor=person_urn(account), text=post.text
            )
        urn = _comment_urn(created, target=external_id)
        return PublishedPost(
            external_id=urn,
            url=f"{post_url(external_id)}?commentUrn={quote(urn, safe='')}",
        )

    # Reading

    def post_metrics(self, account: ConnectedAccount, external_id: str) -> PostMetrics:
        # memberCreatorPostAnalytics (impressions) needs r_member_postAnalytics, which
        # w_member_social does not include: likes and comments come from socialActions.
        with self._api(account) as api:
            summary = api.social_actions(external_id)
        likes = summary.get("likesSummary") or {}
        comments = summary.get("commentsSummary") or {}
        return PostMetrics(
            likes=_count(likes.get("totalLikes")),
            replies=_count(comments.get("aggregatedTotalComments")),
        )

    def follower_count(self, account: ConnectedAccount) -> int:
        raise NotSupported(
            _(
                "LinkedIn only tells a member's follower count to apps granted the "
                "r_member_profileAnalytics permission, which posting on their behalf "
                "does not include."
            )
        )

    # Tokens

    def refresh(self, account: ConnectedAccount) -> Credentials | None:
        current = account.credentials
        # LinkedIn gives refresh tokens only to approved partners; without one the
        # token lives its 60 days and the owner reconnects when reminded.
        if not current.refresh_token:
            return None
        tokens = client.refresh_access_token(
            app=_app_of(account), refresh_token=current.refresh_token
        )
        return _credentials(tokens, previous=current)

    def revoke(self, account: ConnectedAccount) -> None:
        token = account.credentials.access_token
        if token:
            client.revoke_token(app=_app_of(account), token=token)

    # Helpers

    def _api(self, account: ConnectedAccount) -> client.LinkedInApi:
        token = account.credentials.access_token
        if not token:
            raise AuthError(_("This LinkedIn account has no access token; connect it again."))
        return client.LinkedInApi(access_token=token, version=settings.CHORUS_LINKEDIN_VERSION)

    def _find_if_allowed(
        self, account: ConnectedAccount, idempotency_key: str
    ) -> PublishedPost | None:
        try:
            return self.find_published(account, idempotency_key)
        except (NotSupported, PermanentError):
            # Without r_member_social LinkedIn's duplicate check is the safeguard.
            return None

    def _post_body(
        self, api: client.LinkedInApi, account: ConnectedAccount, post: OutgoingPost
    ) -> dict[str, Any]:
        body = _post_envelope(account, commentary=escape_little(post.text))
        if post.image:
            upload_url, image_urn = api.start_image_upload(owner=person_urn(account))
            api.upload_image(upload_url, post.image, content_type=post.image_content_type)
            media: dict[str, str] = {"id": image_urn}
            if post.image_alt:
                media["altText"] = post.image_alt
            body["content"] = {"media": media}
        elif post.link_url:
            # LinkedIn draws the link card from what it is given; it does not fetch the page.
            body["content"] = {
                "article": {"source": post.link_url, "title": _link_title(post.link_url)}
            }
        return body


def _post_envelope(account: ConnectedAccount, *, commentary: str) -> dict[str, Any]:
    return {
        "author": person_urn(account),
        "commentary": commentary,
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "lifecycleState": "PUBLISHED",
    }


def _link_title(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname or ''}{parts.path}".rstrip("/") or url


def _required(app: AppCredentials | None) -> AppCredentials:
    if app is None or not app.client_id:
        raise PermanentError(_("The organisation has not set up its LinkedIn app yet."))
    return app


def _app_of(account: ConnectedAccount) -> AppCredentials:
    app = NetworkApp.objects.filter(
        organisation_id=account.organisation_id, network=Network.LINKEDIN
    ).first()
    credentials = app.credentials if app is not None else None
    if credentials is None:
        raise AuthError(
            _("The organisation's LinkedIn app is no longer set up; ask an administrator.")
        )
    return credentials


def _credentials(tokens: dict[str, Any], *, previous: Credentials | None = None) -> Credentials:
    access_token = str(tokens.get("access_token") or "")
    if not access_token:
        raise PermanentError(_("LinkedIn did not return an access token."))
    now = timezone.now()
    extra = dict(previous.extra) if previous else {}
    if tokens.get("scope"):
        extra["scope"] = str(tokens["scope"])
    if tokens.get("refresh_token_expires_in"):
        extra["refresh_token_expires_at"] = (
            now + timedelta(seconds=int(tokens["refresh_token_expires_in"]))
        ).isoformat()
    return Credentials(
        access_token=access_token,
        refresh_token=str(
            tokens.get("refresh_token") or (previous.refresh_token if previous else "")
        ),
        expires_at=now + timedelta(seconds=int(tokens["expires_in"]))
        if tokens.get("expires_in")
        else None,
        extra=extra,
    )


def _created_at(element: dict[str, Any]) -> datetime:
    millis = element.get("createdAt") or element.get("publishedAt")
    if not isinstance(millis, int | float):
        # Without a time the commentary alone decides.
        return datetime.max.replace(tzinfo=UTC)
    return datetime.fromtimestamp(millis / 1000, tz=UTC)


def _comment_urn(created: dict[str, Any], *, target: str) -> str:
    for key in ("commentUrn", "$URN"):
        value = created.get(key)
        if isinstance(value, str) and value:
            return value
    thread = str(created.get("object") or target)
    return f"urn:li:comment:({thread},{created.get('id', '')})"


def _count(value: object) -> int:
    return value if isinstance(value, int) and value >= 0 else 0
