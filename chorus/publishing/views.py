from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chorus.core.feedback import report_outcome
from chorus.orgs.decorators import MemberRequest, member_view
from chorus.publishing import selectors, services
from chorus.publishing.access import access_post_by_member


@member_view()
def post_detail(request: MemberRequest, post_id: int) -> HttpResponse:
    post = access_post_by_member(member=request.member, post_id=post_id)
    return render(
        request,
        "publishing/post.html",
        {
            "post": post,
            "attempts": selectors.attempts_of(post=post),
            "time_zone": request.member.time_zone,
            "can_retry": services.may_retry(post),
        },
    )


@member_view()
@require_POST
def retry(request: MemberRequest, post_id: int) -> HttpResponse:
    post = access_post_by_member(member=request.member, post_id=post_id)
    report_outcome(
        request,
        lambda: services.retry_failed_post(by=request.member, post=post),
        success=_("Your post will be sent again now."),
    )
    return redirect("publishing:post", org=request.member.organisation.slug, post_id=post.pk)
