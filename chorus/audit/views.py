import csv
from collections.abc import Iterator

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.audit.actions import AuditAction
from chorus.audit.forms import AuditFilterForm
from chorus.audit.selectors import audit_events_of
from chorus.audit.services import record_event
from chorus.core.pagination import filter_query, paginate
from chorus.orgs.decorators import MemberRequest, member_view
from chorus.orgs.roles import Capability

PAGE_SIZE = 50
CSV_COLUMNS = ["time", "actor", "action", "object_type", "object_id", "object", "before", "after"]


@member_view(Capability.VIEW_AUDIT_LOG)
def audit_log(request: MemberRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    events = audit_events_of(organisation=request.member.organisation, filters=form.to_filter())
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "query": filter_query(request),
            **paginate(request, events, per_page=PAGE_SIZE),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@member_view(Capability.VIEW_AUDIT_LOG)
def audit_log_csv(request: MemberRequest) -> HttpResponseBase:
    organisation = request.member.organisation
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        # Exporting everything when the filter was mistyped would hand out more than was asked.
        messages.error(request, _("Correct the filter before exporting."))
        return redirect(
            f"{reverse('audit:log', args=[organisation.slug])}?{request.GET.urlencode()}"
        )
    filters = form.to_filter()
    record_event(
        organisation=organisation,
        actor=request.member.user,
        action=AuditAction.AUDIT_LOG_EXPORTED,
        after={"filters": {k: str(v) for k, v in vars(filters).items() if v}},
    )
    events = audit_events_of(organisation=organisation, filters=filters)
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield writer.writerow(CSV_COLUMNS)
        for event in events.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    event.created_at.isoformat(),
                    # An email address may legally start with a formula character.
                    _neutralise_formula(event.actor_email),
                    event.action,
                    event.object_type,
                    event.object_id,
                    _neutralise_formula(event.object_repr),
                    _neutralise_formula(event.before_text),
                    _neutralise_formula(event.after_text),
                ]
            )

    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="audit-{organisation.slug}-{stamp}.csv"'
    )
    return response


def _neutralise_formula(value: str) -> str:
    """Spreadsheets run cells starting with these characters as formulas."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
