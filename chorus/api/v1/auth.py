"""Bearer tokens: each request acts as the token's member, in the token's organisation."""

from typing import cast

from allauth.mfa.utils import is_mfa_enabled
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer

from chorus.api import services
from chorus.orgs.models import Membership
from chorus.orgs.roles import TWO_FACTOR_ROLES


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Membership | None:
        member = services.member_for_secret(secret=token.strip())
        if member is None:
            return None
        # The same rule as in the browser: owners and admins act only with two factors set up.
        if member.role in TWO_FACTOR_ROLES and not is_mfa_enabled(member.user, ["totp"]):
            raise AuthorizationError(
                message=_("Set up two-factor authentication in Chorus before using the API.")
            )
        if member.user.language:
            translation.activate(member.user.language)
            request.LANGUAGE_CODE = member.user.language
        return member


def member_of(request: HttpRequest) -> Membership:
    """The member the request's token acts as (set by TokenAuth before any endpoint runs)."""
    return cast(Membership, request.auth)  # type: ignore[attr-defined]
