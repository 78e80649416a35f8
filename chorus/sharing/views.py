from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from chorus.campaigns.models import Suggestion
from chorus.core.feedback import report_outcome
from chorus.core.forms import add_validation_errors
from chorus.core.pagination import paginate
from chorus.governance.selectors import is_awaiting_review as awaiting_review
from chorus.networks.models import ConnectedAccount
from chorus.orgs.decorators import MemberRequest, member_view
from chorus.orgs.roles import Capability
from chorus.policies import selectors as policy_selectors
from chorus.publishing.access import access_post_by_member
from chorus.publishing.models import Post
from chorus.sharing import selectors, services
from chorus.sharing.access import access_feed_entry_by_member
from chorus.sharing.forms import (
    AccountChoiceForm,
    AdvocacySettingsForm,
    ComposeForm,
    RescheduleForm,
    SpreadForm,
)
from chorus.sharing.models import FeedEntry, FeedState

FEED_PAGE_SIZE = 20


# Feed (shown on the organisation's home page)


def feed_context(request: MemberRequest) -> dict[str, Any]:
    """What the home page needs to show the member's feed, or why there is none."""
    member = request.member
    if not selectors.is_participant(member=member):
        return {"participant": False}
    state = request.GET.get("state", "")
    state = state if state in FeedState.values else ""
    page = paginate(
        request, selectors.feed_for(member=member, state=state), per_page=FEED_PAGE_SIZE
    )
    counts = selectors.feed_counts(member=member)
    return {
        "participant": True,
        "has_accounts": selectors.participating_accounts(member=member).exists(),
        "feed_state": state,
        "feed_tabs": [(value, label, counts[value]) for value, label in FeedState.choices],
        "feed_counts": counts,
        "feed_cards": selectors.feed_cards(member=member, entries=page["page_obj"].object_list),
        **page,
    }


@member_view()
@require_POST
def feed_entry(request: MemberRequest, activity_id: int) -> HttpResponse:
    """Skip an activity, bring it back, or say a like or comment is done."""
    entry = access_feed_entry_by_member(member=request.member, activity_id=activity_id)
    actions = {
        "skip": (services.skip_activity, _("Skipped “%(title)s”.")),
        "unskip": (services.unskip_activity, _("“%(title)s” is back in your feed.")),
        "done": (services.mark_activity_done, _("Marked “%(title)s” as done.")),
    }
    action = actions.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Choose what to do with this activity."))
    else:
        change, message = action
        report_outcome(
            request,
            lambda: change(member=request.member, entry=entry),
            success=message % {"title": entry.activity.title},
        )
    response = redirect("orgs:home", org=request.member.organisation.slug)
    state = request.POST.get("state", "")
    if state in FeedState.values:
        response["Location"] += f"?state={state}"
    return response


# Programme


def _programme_page(
    request: MemberRequest,
    *,
    form: AccountChoiceForm | None = None,
    cancelled: list[Post] | None = None,
    status: int = 200,
) -> HttpResponse:
    member = request.member
    advocacy = selectors.advocacy_settings_for(organisation=member.organisation)
    consent = selectors.open_consent(member=member)
    accounts = list(selectors.choosable_accounts(member=member))
    if form is None:
        form = AccountChoiceForm(
            accounts=accounts, initial={"accounts": [a.pk for a in accounts if a.takes_part]}
        )
    return render(
        request,
        "sharing/programme.html",
        {
            "advocacy": advocacy,
            "consent": consent,
            "terms_changed": consent is not None
            and consent.terms_version != advocacy.programme_terms_version,
            "history": selectors.consent_history(member=member),
            "accounts": accounts,
            "account_form": form,
            "cancelled": cancelled,
            "policy_to_accept": policy_selectors.unaccepted_version(member=member),
        },
        status=status,
    )


@member_view()
def programme(request: MemberRequest) -> HttpResponse:
    return _programme_page(request)


@member_view()
@require_POST
def programme_join(request: MemberRequest) -> HttpResponse:
    report_outcome(
        request,
        lambda: services.join_programme(member=request.member),
        success=_("Welcome to the programme. Choose the accounts that take part, below."),
    )
    return redirect("sharing:programme", org=request.member.organisation.slug)


@member_view()
@require_POST
def programme_leave(request: MemberRequest) -> HttpResponse:
    try:
        result = services.leave_programme(member=request.member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("sharing:programme", org=request.member.organisation.slug)
    return render(request, "sharing/left.html", {"result": result})


@member_view()
@require_POST
def programme_accounts(request: MemberRequest) -> HttpResponse:
    accounts = list(selectors.choosable_accounts(member=request.member))
    form = AccountChoiceForm(request.POST, accounts=accounts)
    if not form.is_valid():
        return _programme_page(request, form=form)
    try:
        choice = services.choose_accounts(
            member=request.member, account_ids=[a.pk for a in form.cleaned_data["accounts"]]
        )
    except ValidationError as error:
        add_validation_errors(form, error)
        return _programme_page(request, form=form)
    if not choice.chosen and not choice.unchosen:
        messages.info(request, _("Nothing changed."))
    else:
        messages.success(request, _("Your choice of accounts is saved."))
    if choice.cancelled:
        return _programme_page(request, cancelled=choice.cancelled)
    return redirect("sharing:programme", org=request.member.organisation.slug)


@member_view(Capability.MANAGE_SETTINGS)
def advocacy_settings(request: MemberRequest) -> HttpResponse:
    organisation = request.member.organisation
    advocacy = selectors.advocacy_settings_for(organisation=organisation)
    form = AdvocacySettingsForm(
        request.POST or None,
        initial={
            "disclosure": advocacy.disclosure,
            "duplicate_guard": advocacy.duplicate_guard,
            "duplicate_threshold": advocacy.duplicate_threshold,
            "programme_terms": advocacy.programme_terms,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_advocacy_settings(by=request.member, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Advocacy settings saved."))
            return redirect("sharing:settings", org=organisation.slug)
    return render(request, "sharing/settings.html", {"form": form, "advocacy": advocacy})


# Composer


def _post_being_edited(request: MemberRequest, entry: FeedEntry) -> Post | None:
    post_id = request.GET.get("post", "")
    if not post_id.isdigit():
        return None
    post = access_post_by_member(member=request.member, post_id=int(post_id))
    if post.activity_id != entry.activity_id or post.account is None:
        return None
    return post


def _compose_data(request: MemberRequest, editing: Post | None) -> QueryDict | None:
    """The submitted composer; a post being changed stays on its own account."""
    if request.method != "POST":
        return None
    data = request.POST.copy()
    if editing is not None:
        data["account"] = str(editing.account_id)
    return data


def _starting_text(
    suggestions: list[Suggestion], account: ConnectedAccount | None, language: str
) -> str:
    suggestion = selectors.best_suggestion(
        suggestions=suggestions, network=account.network if account else "", language=language
    )
    return suggestion.text if suggestion else ""


@member_view()
def compose(request: MemberRequest, activity_id: int) -> HttpResponse:
    member = request.member
    entry = access_feed_entry_by_member(member=member, activity_id=activity_id)
    editing = _post_being_edited(request, entry)
    context: dict[str, Any] = {
        "entry": entry,
        "activity": entry.activity,
        "link": selectors.link_card(entry.activity),
        "editing": editing,
    }
    try:
        services.check_may_compose(member=member, entry=entry)
    except ValidationError as reason:
        context.update(blocked=reason.messages[0], blocked_code=reason.code)
        return render(request, "sharing/compose.html", context)
    accounts = (
        [editing.account]
        if editing is not None and editing.account is not None
        else selectors.composer_accounts(member=member, campaign=entry.campaign)
    )
    suggestions = selectors.suggestions_of(activity=entry.activity)
    requested = request.GET.get("account", "")
    first = next((a for a in accounts if str(a.pk) == requested), accounts[0])
    form = ComposeForm(
        _compose_data(request, editing),
        accounts=accounts,
        initial={
            "account": first.pk,
            "text": editing.text
            if editing is not None
            else _starting_text(suggestions, first, selectors.member_language(member)),
        },
    )
    action = request.POST.get("action", "")
    if request.method == "POST" and action != "preview" and form.is_valid():
        response = _approve(request, entry, form, editing, post_now=action == "post_now")
        if response is not None:
            return response
    account = form.chosen_account() or first
    text = form.data.get("text", form.initial["text"]) if form.is_bound else form.initial["text"]
    context.update(
        form=form,
        suggestions=suggestions,
        preview=services.preview_draft(entry=entry, account=account, text=str(text)),
        acknowledged=bool(form.data.get("acknowledge_similarity")),
    )
    return render(request, "sharing/compose.html", context)


def _approve(
    request: MemberRequest,
    entry: FeedEntry,
    form: ComposeForm,
    editing: Post | None,
    *,
    post_now: bool,
) -> HttpResponse | None:
    """Approve (or re-approve) the post; None when the form shows why it could not be."""
    member = request.member
    account = form.accounts[form.cleaned_data["account"]]
    try:
        if editing is not None:
            post = services.edit_post(
                member=member,
                post=editing,
                text=form.cleaned_data["text"],
                acknowledge_similarity=form.cleaned_data["acknowledge_similarity"],
            )
        else:
            post = services.approve_post(
                member=member,
                activity=entry.activity,
                account=account,
                text=form.cleaned_data["text"],
                acknowledge_similarity=form.cleaned_data["acknowledge_similarity"],
            )
    except ValidationError as error:
        add_validation_errors(form, error)
        return None
    if awaiting_review(post=post):
        messages.info(
            request,
            _("Approved, and sent to a reviewer first: it goes out only once they agree."),
        )
    elif editing is not None:
        messages.success(request, _("Your new text is approved."))
    elif post_now:
        try:
            services.post_now(member=member, post=post)
        except ValidationError as error:
            messages.warning(
                request,
                _("Approved, but not sent now: %(reason)s Choose a time under Approved.")
                % {"reason": " ".join(error.messages)},
            )
        else:
            messages.success(request, _("Approved. It is going out now."))
    else:
        messages.success(request, _("Approved. Choose when it goes out, below."))
    return redirect("sharing:posts", org=member.organisation.slug)


@member_view()
@require_POST
def preview(request: MemberRequest, activity_id: int) -> HttpResponse:
    """The composer's live preview: what will be posted, its length, and the guard's view."""
    member = request.member
    entry = access_feed_entry_by_member(member=member, activity_id=activity_id)
    editing = _post_being_edited(request, entry)
    try:
        services.check_may_compose(member=member, entry=entry)
    except ValidationError as reason:
        return render(request, "sharing/_preview.html", {"blocked": reason.messages[0]})
    accounts = (
        [editing.account]
        if editing is not None and editing.account is not None
        else selectors.composer_accounts(member=member, campaign=entry.campaign)
    )
    form = ComposeForm(_compose_data(request, editing), accounts=accounts)
    account = form.chosen_account() or accounts[0]
    return render(
        request,
        "sharing/_preview.html",
        {
            "preview": services.preview_draft(
                entry=entry, account=account, text=request.POST.get("text", "")
            ),
            "link": selectors.link_card(entry.activity),
            "form": form,
            "acknowledged": bool(request.POST.get("acknowledge_similarity")),
        },
    )


# My posts


def _posts_page(
    request: MemberRequest,
    *,
    spread_form: SpreadForm | None = None,
    reschedule: dict[str, Any] | None = None,
) -> HttpResponse:
    member = request.member
    mine = selectors.my_posts(member=member)
    if spread_form is None:
        spread_form = SpreadForm(
            posts=mine.approved,
            time_zone=member.time_zone,
            initial={"start_date": selectors.default_start_date(member=member)},
        )
    selected = set(request.POST.getlist("posts")) if spread_form.is_bound else set()
    return render(
        request,
        "sharing/posts.html",
        {
            "mine": mine,
            "spread_form": spread_form,
            "selected_posts": selected,
            "reschedule": reschedule or {},
            "time_zone": member.time_zone,
            "participant": selectors.is_participant(member=member),
            "policy_pause": policy_selectors.pause_notice(member=member),
        },
    )


@member_view()
def posts(request: MemberRequest) -> HttpResponse:
    member = request.member
    if request.method != "POST":
        return _posts_page(request)
    approved = selectors.my_posts(member=member).approved
    form = SpreadForm(request.POST, posts=approved, time_zone=member.time_zone)
    if form.is_valid():
        try:
            scheduled = services.spread_posts(
                member=member,
                posts=list(form.cleaned_data["posts"]),
                start_date=form.cleaned_data["start_date"],
                days=form.cleaned_data["days"],
                day_starts=form.cleaned_data["day_starts"],
                day_ends=form.cleaned_data["day_ends"],
                min_gap=form.min_gap_delta,
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request,
                ngettext("%(count)d post scheduled.", "%(count)d posts scheduled.", len(scheduled))
                % {"count": len(scheduled)},
            )
            return redirect("sharing:posts", org=member.organisation.slug)
    return _posts_page(request, spread_form=form)


@member_view()
@require_POST
def post_cancel(request: MemberRequest, post_id: int) -> HttpResponse:
    post = access_post_by_member(member=request.member, post_id=post_id)
    report_outcome(
        request,
        lambda: services.cancel_post(member=request.member, post=post),
        success=_("Cancelled. It will not be posted."),
    )
    return redirect("sharing:posts", org=request.member.organisation.slug)


@member_view()
@require_POST
def post_now(request: MemberRequest, post_id: int) -> HttpResponse:
    post = access_post_by_member(member=request.member, post_id=post_id)
    report_outcome(
        request,
        lambda: services.post_now(member=request.member, post=post),
        success=_("It is going out now."),
    )
    return redirect("sharing:posts", org=request.member.organisation.slug)


@member_view()
@require_POST
def post_reschedule(request: MemberRequest, post_id: int) -> HttpResponse:
    member = request.member
    post = access_post_by_member(member=member, post_id=post_id)
    form = RescheduleForm(request.POST, time_zone=member.time_zone)
    if form.is_valid():
        try:
            services.reschedule_post(member=member, post=post, when=form.cleaned_data["when"])
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Moved."))
            return redirect("sharing:posts", org=member.organisation.slug)
    errors = [message for messages_ in form.errors.values() for message in messages_]
    return _posts_page(
        request,
        reschedule={"post_id": post.pk, "value": request.POST.get("when", ""), "errors": errors},
    )
