from django.http import Http404

from chorus.governance.models import ComplianceRule, ReviewRequest
from chorus.orgs.access import check_capability
from chorus.orgs.models import Membership
from chorus.orgs.roles import Capability


def access_rule_by_member(*, member: Membership, rule_id: int) -> ComplianceRule:
    """A live compliance rule of the member's organisation, for those who manage content."""
    check_capability(member, Capability.MANAGE_CONTENT)
    try:
        return ComplianceRule.objects.select_related("current_version").get(
            organisation=member.organisation, pk=rule_id, deleted_at__isnull=True
        )
    except ComplianceRule.DoesNotExist:
        raise Http404("No such rule") from None


def access_review_by_member(*, member: Membership, review_id: int) -> ReviewRequest:
    """A review request of the member's organisation, for its reviewers."""
    check_capability(member, Capability.REVIEW_CONTENT)
    try:
        return ReviewRequest.objects.select_related("post__member__user", "evaluation").get(
            organisation=member.organisation, pk=review_id
        )
    except ReviewRequest.DoesNotExist:
        raise Http404("No such review") from None
