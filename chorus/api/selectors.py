from django.db.models import QuerySet

from chorus.api.models import ApiToken
from chorus.orgs.models import Membership
from chorus.publishing.models import Post


def tokens_of(*, member: Membership) -> QuerySet[ApiToken]:
    """The member's own tokens, newest first; revoked ones stay listed for the record."""
    return ApiToken.objects.filter(member=member).order_by("-created_at", "-pk")


def posts_of(*, member: Membership, state: str = "") -> QuerySet[Post]:
    """The member's own posts, newest first, optionally in one state."""
    posts = Post.objects.filter(member=member)
    if state:
        posts = posts.filter(state=state)
    return posts.order_by("-created_at", "-pk")
