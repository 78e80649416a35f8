from django.http import Http404

from chorus.offboarding.models import OffboardingReport
from chorus.orgs.access import check_capability
from chorus.orgs.models import Membership
from chorus.orgs.roles import Capability


def access_report_by_member(*, member: Membership, report_id: int) -> OffboardingReport:
    check_capability(member, Capability.MANAGE_PEOPLE)
    try:
        return OffboardingReport.objects.select_related("by__user").get(
            organisation=member.organisation, pk=report_id
        )
    except OffboardingReport.DoesNotExist:
        raise Http404("No such offboarding report") from None
