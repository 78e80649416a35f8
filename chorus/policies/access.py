from django.http import Http404

from chorus.orgs.models import Membership
from chorus.policies.models import PolicyVersion


def access_version_by_member(*, member: Membership, version_id: int) -> PolicyVersion:
    """A published version of the member's own organisation's policy: every member reads it."""
    try:
        return PolicyVersion.objects.select_related("published_by").get(
            organisation=member.organisation, pk=version_id
        )
    except PolicyVersion.DoesNotExist:
        raise Http404("No such policy version") from None
