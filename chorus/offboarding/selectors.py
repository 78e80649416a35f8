from django.db.models import QuerySet

from chorus.offboarding.models import OffboardingReport
from chorus.orgs.models import Membership, Organisation


def reports_of(*, organisation: Organisation) -> QuerySet[OffboardingReport]:
    return OffboardingReport.objects.filter(organisation=organisation).select_related("by__user")


def latest_report_for(*, member: Membership) -> OffboardingReport | None:
    return OffboardingReport.objects.filter(member=member).first()
