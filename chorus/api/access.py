from django.http import Http404

from chorus.api.models import ApiToken
from chorus.orgs.models import Membership


def access_token_by_member(*, member: Membership, token_id: int) -> ApiToken:
    """A member reaches only their own tokens: nobody revokes or reads another's."""
    try:
        return ApiToken.objects.get(pk=token_id, member=member)
    except ApiToken.DoesNotExist:
        raise Http404("No such token") from None
