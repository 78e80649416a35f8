from django.http import Http404

from chorus.orgs.models import Membership
from chorus.publishing.models import Post


def access_post_by_member(*, member: Membership, post_id: int) -> Post:
    """Posts belong to their owner alone: nobody else moves, cancels or reads them here."""
    try:
        return Post.objects.select_related("account", "activity").get(pk=post_id, member=member)
    except Post.DoesNotExist:
        raise Http404("No such post") from None
