"""X: members' own posts through X API v2, with the organisation's OAuth 2.0 app.

The member signs in with OAuth 2.0 authorization code and PKCE (S256). Access
tokens last two hours; ``offline.access`` brings a refresh token, which X
rotates: every refresh returns a new one and the old one stops working.

Idempotency: X takes no idempotency key and refuses a post whose text the
account already posted ("You are not allowed to create a Tweet with duplicate
content."). On a retry of a post (its earlier attempt may have reached X before
the answer was lost), ``find_published`` first looks through the account's own
posts since the post was approved for the same text; X shortens links to
t.co and escapes ``&``, so texts are compared with links expanded and entities
undone, and failing that with links left out.
"""

import html
import re
import unicodedata
from datetime import timedelta
from typing import Any, ClassVar

from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.networks.connectors.base import (
    AppCredentials,
    AuthError,
    Connection,
    Credentials,
    OutgoingPost,
    PermanentError,
    PostMetrics,
    PublishedPost,
)
from chorus.networks.connectors.x import client
from chorus.networks.models import ConnectedAccount, NetworkApp
from chorus.networks.networks import Network
from chorus.publishing.selectors import is_retry, sent_post

# How many of the account's posts since approval find_published reads (X bills reads).
RECENT_POSTS = 20
_LINK = re.compile(r"https?://\S+")
_SPACES = re.compile(r"\s+")


def post_url(account: ConnectedAccount, tweet_id: str) -> str:
    username = account.handle.lstrip("@") or "i"
    return f"https://x.com/{username}/status/{tweet_id}"


class XConnector:
    network: ClassVar[str] = Network.X

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
            client_id=_required(app).client_id,
            redirect_uri=redirect_uri,
            state=state,
            code_challenge=code_challenge,
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
        tokens = client.exchange_code(
            app=_required(app), redirect_uri=redirect_uri, code=code, code_verifier=code_verifier
        )
        credentials = _credentials(tokens)
        with client.XApi(access_token=credentials.access_token) as api:
            user = api.me()
        user_id = str(user.get("id") or "")
        username = str(user.get("username") or "")
        if not user_id or not username:
            raise PermanentError(_("X did not say which account signed in."))
        return Connection(
            external_id=user_id,
            handle=f"@{username}",
            display_name=str(user.get("name") or ""),
            credentials=credentials,
        )

    # Posting

    def publish(self, account: ConnectedAccount, post: OutgoingPost) -> PublishedPost:
        if is_retry(account=account, idempotency_key=post.idempotency_key):
            found = self.find_published(account, post.idempotency_key)
            if found is not None:
                return found
        with self._api(account) as api:
            tweet_id = api.create_tweet(self._tweet_body(api, post))
        return PublishedPost(external_id=tweet_id, url=post_url(account, tweet_id))

    def find_published(
        self, account: ConnectedAccount, idempotency_key: str
    ) -> PublishedPost | None:
        sent = sent_post(account=account, idempotency_key=idempotency_key)
        if sent is None:
            return None
        with self._api(account) as api:
            recent = api.user_tweets(
                account.external_id,
                start_time=sent.since,
                max_results=RECENT_POSTS,
            )
        for tweet in recent:
            if _same_text(tweet, sent.text):
                tweet_id = str(tweet["id"])
                return PublishedPost(external_id=tweet_id, url=post_url(account, tweet_id))
        return None

    def delete(self, account: ConnectedAccount, external_id: str) -> None:
        with self._api(account) as api:
            api.delete_tweet(external_id)

    def repost(self, account: ConnectedAccount, external_id: str) -> None:
        with self._api(account) as api:
            api.retweet(account.external_id, external_id)

    def like(self, account: ConnectedAccount, external_id: str) -> None:
        with self._api(account) as api:
            api.like(account.external_id, external_id)

    def comment(
        self, account: ConnectedAccount, external_id: str, post: OutgoingPost
    ) -> PublishedPost:
        with self._api(account) as api:
            body = self._tweet_body(api, post)
            body["reply"] = {"in_reply_to_tweet_id": external_id}
            tweet_id = api.create_tweet(body)
        return PublishedPost(external_id=tweet_id, url=post_url(account, tweet_id))

    # Reading

    def post_metrics(self, account: ConnectedAccount, external_id: str) -> PostMetrics:
        with self._api(account) as api:
            tweet = api.tweet(external_id, tweet_fields="public_metrics")
        metrics = tweet.get("public_metrics") or {}
        impressions = metrics.get("impression_count")
        return PostMetrics(
            likes=_count(metrics.get("like_count")),
            reposts=_count(metrics.get("retweet_count")),
            replies=_count(metrics.get("reply_count")),
            impressions=_count(impressions) if impressions is not None else None,
        )

    def follower_count(self, account: ConnectedAccount) -> int:
        with self._api(account) as api:
            user = api.me(user_fields="public_metrics")
        followers = (user.get("public_metrics") or {}).get("followers_count")
        if not isinstance(followers, int):
            raise PermanentError(_("X did not say how many followers the account has."))
        return followers

    # Tokens

    def refresh(self, account: ConnectedAccount) -> Credentials | None:
        current = account.credentials
        if not current.refresh_token:
            # Without offline.access the token lives two hours; the owner reconnects.
            return None
        tokens = client.refresh_access_token(
            app=_app_of(account), refresh_token=current.refresh_token
        )
        return _credentials(tokens, previous=current)

    def revoke(self, account: ConnectedAccount) -> None:
        current = account.credentials
        tokens = [token for token in (current.refresh_token, current.access_token) if token]
        if not tokens:
            return
        app = _app_of(account)
        for token in tokens:
            client.revoke_token(app=app, token=token)

    # Helpers

    def _api(self, account: ConnectedAccount) -> client.XApi:
        token = account.credentials.access_token
        if not token:
            raise AuthError(_("This X account has no access token; connect it again."))
        return client.XApi(access_token=token)

    def _tweet_body(self, api: client.XApi, post: OutgoingPost) -> dict[str, Any]:
        body: dict[str, Any] = {"text": post.text}
        if post.image:
            media_id = api.upload_image(post.image, content_type=post.image_content_type)
            if post.image_alt:
                api.describe_media(media_id, alt_text=post.image_alt)
            body["media"] = {"media_ids": [media_id]}
        return body


def _required(app: AppCredentials | None) -> AppCredentials:
    if app is None or not app.client_id:
        raise PermanentError(_("The organisation has not set up its X app yet."))
    return app


def _app_of(account: ConnectedAccount) -> AppCredentials:
    app = NetworkApp.objects.filter(
        organisation_id=account.organisation_id, network=Network.X
    ).first()
    credentials = app.credentials if app is not None else None
    if credentials is None:
        raise AuthError(_("The organisation's X app is no longer set up; ask an administrator."))
    return credentials


def _credentials(tokens: dict[str, Any], *, previous: Credentials | None = None) -> Credentials:
    access_token = str(tokens.get("access_token") or "")
    if not access_token:
        raise PermanentError(_("X did not return an access token."))
    extra = dict(previous.extra) if previous else {}
    if tokens.get("scope"):
        extra["scope"] = str(tokens["scope"])
    expires_in = tokens.get("expires_in")
    return Credentials(
        access_token=access_token,
        # X rotates refresh tokens: the new one replaces the old, which no longer works.
        refresh_token=str(
            tokens.get("refresh_token") or (previous.refresh_token if previous else "")
        ),
        expires_at=timezone.now() + timedelta(seconds=int(expires_in)) if expires_in else None,
        extra=extra,
    )


def _same_text(tweet: dict[str, Any], text: str) -> bool:
    if not tweet.get("id"):
        return False
    posted = html.unescape(str(tweet.get("text") or ""))
    links = (tweet.get("entities") or {}).get("urls") or []
    expanded = posted
    bare_posted = posted
    bare_text = _LINK.sub("", text)
    for link in links:
        short = str(link.get("url") or "")
        if not short:
            continue
        # A link to the post's own photo is X's addition, not the member's words.
        replacement = "" if link.get("media_key") else str(link.get("expanded_url") or short)
        expanded = expanded.replace(short, replacement)
        bare_posted = bare_posted.replace(short, "")
        # A link written without its scheme is what X shows as its display form.
        for written in (str(link.get("display_url") or ""), replacement.split("://")[-1]):
            if written:
                bare_text = bare_text.replace(written, "")
    if _normal(expanded) == _normal(text):
        return True
    return _normal(bare_posted) == _normal(bare_text)


def _normal(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _count(value: object) -> int:
    return value if isinstance(value, int) and value >= 0 else 0
