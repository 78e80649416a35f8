from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chorus.core.feedback import report_outcome
from chorus.core.pagination import paginate
from chorus.governance import display, selectors, services
from chorus.governance.access import access_review_by_member, access_rule_by_member
from chorus.governance.forms import ReviewDecisionForm, RuleForm, TryTextForm, initial_for
from chorus.governance.models import ComplianceRule, ReviewRequest, RuleKind
from chorus.governance.rules import starter_config
from chorus.orgs.decorators import MemberRequest, member_view
from chorus.orgs.roles import Capability
from chorus.sharing.selectors import advocacy_settings_for

PAGE_SIZE = 25


# Rules: for content managers, admins and owners.


@member_view(Capability.MANAGE_CONTENT)
def rule_list(request: MemberRequest) -> HttpResponse:
    organisation = request.member.organisation
    return render(
        request,
        "governance/rules.html",
        {
            "rules": selectors.rules_of(organisation=organisation),
            "kinds": RuleKind.choices,
            "evaluations": selectors.recent_evaluations(organisation=organisation),
        },
    )


def _rule_form_page(
    request: MemberRequest, form: RuleForm, rule: ComplianceRule | None
) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "rule": rule,
        "kind_label": RuleKind(form.kind).label,
        "kind": form.kind,
    }
    if rule is not None:
        context["versions"] = selectors.versions_of(rule=rule)
    return render(request, "governance/rule_form.html", context)


@member_view(Capability.MANAGE_CONTENT)
def rule_create(request: MemberRequest) -> HttpResponse:
    member = request.member
    kind = request.GET.get("kind", "")
    if kind not in RuleKind.values:
        return render(request, "governance/rule_kinds.html", {"kinds": RuleKind.choices})
    disclosure = advocacy_settings_for(organisation=member.organisation).disclosure
    form = RuleForm(
        request.POST or None,
        kind=kind,
        initial={
            "name": RuleKind(kind).label,
            "severity": "warn",
            "is_active": True,
            **initial_for(kind, starter_config(kind, disclosure=disclosure)),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.create_rule(
                by=member,
                kind=kind,
                name=form.cleaned_data["name"],
                severity=form.cleaned_data["severity"],
                explanation=form.cleaned_data["explanation"],
                is_active=form.cleaned_data["is_active"],
                config=form.config(),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Rule saved. It applies from now on."))
            return redirect("governance:rules", org=member.organisation.slug)
    return _rule_form_page(request, form, None)


@member_view(Capability.MANAGE_CONTENT)
def rule_edit(request: MemberRequest, rule_id: int) -> HttpResponse:
    member = request.member
    rule = access_rule_by_member(member=member, rule_id=rule_id)
    version = rule.current_version
    assert version is not None
    form = RuleForm(
        request.POST or None,
        kind=rule.kind,
        initial={
            "name": version.name,
            "severity": version.severity,
            "explanation": version.explanation,
            "is_active": version.is_active,
            **initial_for(rule.kind, version.config),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_rule(
                by=member,
                rule=rule,
                name=form.cleaned_data["name"],
                severity=form.cleaned_data["severity"],
                explanation=form.cleaned_data["explanation"],
                is_active=form.cleaned_data["is_active"],
                config=form.config(),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Rule saved as a new version."))
            return redirect("governance:rules", org=member.organisation.slug)
    return _rule_form_page(request, form, rule)


@member_view(Capability.MANAGE_CONTENT)
@require_POST
def rule_delete(request: MemberRequest, rule_id: int) -> HttpResponse:
    rule = access_rule_by_member(member=request.member, rule_id=rule_id)
    report_outcome(
        request,
        lambda: services.delete_rule(by=request.member, rule=rule),
        success=_("Rule deleted. Past checks still show which version they used."),
    )
    return redirect("governance:rules", org=request.member.organisation.slug)


@member_view(Capability.MANAGE_CONTENT)
def rule_try(request: MemberRequest) -> HttpResponse:
    """Try the organisation's rules on a text; nothing is posted or logged."""
    form = TryTextForm(request.POST or None, initial={"network": "linkedin"})
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        result = services.check_text(
            organisation=request.member.organisation,
            text=text,
            network=form.cleaned_data["network"],
            language=form.cleaned_data["language"] or None,
            link_url=form.cleaned_data["link_url"],
        )
        context.update(
            result=result,
            findings=display.shown(result.findings, text),
            segments=display.result_segments(result.findings, text),
        )
    return render(request, "governance/rule_try.html", context)


# The reviewer queue: for reviewers, admins and owners.


def _review_card(review: ReviewRequest) -> dict[str, Any]:
    logged = review.findings
    return {
        "review": review,
        "segments": display.log_segments(logged, review.post.text),
        "findings": display.shown_from_log(logged, review.post.text),
        "form": ReviewDecisionForm(auto_id=f"review-{review.pk}-%s"),
    }


@member_view(Capability.REVIEW_CONTENT)
def review_queue(request: MemberRequest) -> HttpResponse:
    organisation = request.member.organisation
    pending = selectors.pending_reviews(organisation=organisation)
    return render(
        request,
        "governance/reviews.html",
        {
            "cards": [_review_card(review) for review in pending],
            "decided": selectors.decided_reviews(organisation=organisation)[:PAGE_SIZE],
            "time_zone": request.member.time_zone,
        },
    )


@member_view(Capability.REVIEW_CONTENT)
@require_POST
def review_decide(request: MemberRequest, review_id: int) -> HttpResponse:
    member = request.member
    review = access_review_by_member(member=member, review_id=review_id)
    form = ReviewDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return redirect("governance:reviews", org=member.organisation.slug)
    reason = form.cleaned_data["reason"]
    if form.cleaned_data["decision"] == "approve":
        report_outcome(
            request,
            lambda: services.approve_review(by=member, review=review, reason=reason),
            success=_("Approved. The post may go out."),
        )
    else:
        report_outcome(
            request,
            lambda: services.reject_review(by=member, review=review, reason=reason),
            success=_("Rejected. The post is cancelled and its author told why."),
        )
    return redirect("governance:reviews", org=member.organisation.slug)


# Everyone: the reviews of their own posts.


@member_view()
def my_reviews(request: MemberRequest) -> HttpResponse:
    reviews = selectors.reviews_of_member(member=request.member)
    return render(
        request,
        "governance/my_reviews.html",
        {**paginate(request, reviews, per_page=PAGE_SIZE), "time_zone": request.member.time_zone},
    )
