from django.http import Http404

from chorus.campaigns.workflow import VISIBLE_TO_EMPLOYEES
from chorus.orgs.models import Membership
from chorus.sharing.models import FeedEntry


def access_feed_entry_by_member(*, member: Membership, activity_id: int) -> FeedEntry:
    """An activity as offered to this member: only through their own feed, while visible."""
    try:
        return FeedEntry.objects.select_related("activity", "campaign").get(
            member=member, activity_id=activity_id, campaign__state__in=VISIBLE_TO_EMPLOYEES
        )
    except FeedEntry.DoesNotExist:
        raise Http404("No such activity") from None
