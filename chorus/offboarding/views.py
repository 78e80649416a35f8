from django.http import HttpResponse
from django.shortcuts import render

from chorus.core.pagination import paginate
from chorus.offboarding import selectors
from chorus.offboarding.access import access_report_by_member
from chorus.orgs.decorators import MemberRequest, member_view
from chorus.orgs.roles import Capability

PER_PAGE = 25


@member_view(Capability.MANAGE_PEOPLE)
def report_list(request: MemberRequest) -> HttpResponse:
    reports = selectors.reports_of(organisation=request.member.organisation)
    return render(request, "offboarding/list.html", paginate(request, reports, per_page=PER_PAGE))


@member_view(Capability.MANAGE_PEOPLE)
def report_detail(request: MemberRequest, report_id: int) -> HttpResponse:
    report = access_report_by_member(member=request.member, report_id=report_id)
    return render(request, "offboarding/report.html", {"report": report})
