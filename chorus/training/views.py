from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from chorus.core.feedback import report_outcome
from chorus.core.forms import add_validation_errors
from chorus.core.markdown import render_markdown
from chorus.core.pagination import paginate
from chorus.orgs.decorators import MemberRequest, member_view
from chorus.orgs.models import Membership, Team
from chorus.orgs.roles import Capability
from chorus.training import selectors, services
from chorus.training.access import (
    access_lesson_by_member,
    access_managed_lesson_by_member,
    access_managed_module_by_member,
    access_managed_question_by_member,
    access_module_by_member,
)
from chorus.training.forms import (
    LessonForm,
    ModuleForm,
    QuestionForm,
    QuizForm,
    UnlockForm,
    module_initial,
    question_initial,
)
from chorus.training.models import Module

PROGRESS_PAGE_SIZE = 25


# Taking modules: every member.


@member_view()
def training_list(request: MemberRequest) -> HttpResponse:
    progress = selectors.member_training(member=request.member)
    return render(
        request,
        "training/list.html",
        {
            "assigned": [item for item in progress if item.assigned],
            "others": [item for item in progress if not item.assigned],
            "locked": selectors.locked_kinds(member=request.member),
            "time_zone": request.member.time_zone,
        },
    )


@member_view()
def module_detail(request: MemberRequest, module_id: int) -> HttpResponse:
    member = request.member
    module = access_module_by_member(member=member, module_id=module_id)
    return render(
        request,
        "training/module.html",
        {
            "module": module,
            "lessons": selectors.lessons_of(module=module),
            "read": selectors.read_lesson_ids(member=member, module=module),
            "progress": selectors.module_progress(module=module, member=member),
            "attempts": selectors.attempts_of(member=member, module=module),
            "has_quiz": module.questions.exists(),
            "unlocks": selectors.unlocks_of(module=module),
            "time_zone": member.time_zone,
        },
    )


@member_view()
def lesson(request: MemberRequest, module_id: int, lesson_id: int) -> HttpResponse:
    member = request.member
    module = access_module_by_member(member=member, module_id=module_id)
    current = access_lesson_by_member(member=member, module=module, lesson_id=lesson_id)
    lessons = selectors.lessons_of(module=module)
    index = next(i for i, item in enumerate(lessons) if item.pk == current.pk)
    following = lessons[index + 1] if index + 1 < len(lessons) else None
    if request.method == "POST":
        services.mark_lesson_read(member=member, lesson=current)
        slug = member.organisation.slug
        if following is not None:
            return redirect(
                "training:lesson", org=slug, module_id=module.pk, lesson_id=following.pk
            )
        if module.questions.exists():
            return redirect("training:quiz", org=slug, module_id=module.pk)
        return redirect("training:module", org=slug, module_id=module.pk)
    return render(
        request,
        "training/lesson.html",
        {
            "module": module,
            "lesson": current,
            "body": render_markdown(current.shown_body),
            "number": index + 1,
            "total": len(lessons),
            "previous": lessons[index - 1] if index > 0 else None,
            "following": following,
            "is_read": current.pk in selectors.read_lesson_ids(member=member, module=module),
            "has_quiz": module.questions.exists(),
        },
    )


@member_view()
def quiz(request: MemberRequest, module_id: int) -> HttpResponse:
    member = request.member
    module = access_module_by_member(member=member, module_id=module_id)
    questions = list(module.questions.prefetch_related("choices"))
    form = QuizForm(request.POST or None, questions=questions)
    context: dict[str, Any] = {"module": module, "form": form, "questions": questions}
    if request.method == "POST" and form.is_valid():
        try:
            result = services.submit_quiz(member=member, module=module, answers=form.answers())
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            context["result"] = result
            form = QuizForm(questions=questions)
            context["form"] = form
    return render(request, "training/quiz.html", context)


# Managing modules: content managers, admins and owners.


def _to_module_editor(member: Membership, module_id: int) -> HttpResponse:
    return redirect("training:module_edit", org=member.organisation.slug, module_id=module_id)


@member_view(Capability.MANAGE_CONTENT)
def manage(request: MemberRequest) -> HttpResponse:
    organisation = request.member.organisation
    return render(
        request,
        "training/manage.html",
        {"modules": selectors.modules_of(organisation=organisation)},
    )


@member_view(Capability.MANAGE_CONTENT)
@require_POST
def add_starters(request: MemberRequest) -> HttpResponse:
    added = services.add_starter_modules(by=request.member)
    if added:
        messages.success(
            request,
            ngettext(
                "%(count)d starter module added.", "%(count)d starter modules added.", len(added)
            )
            % {"count": len(added)},
        )
    else:
        messages.info(request, _("Your organisation already has the starter modules."))
    return redirect("training:manage", org=request.member.organisation.slug)


@member_view(Capability.MANAGE_CONTENT)
def module_create(request: MemberRequest) -> HttpResponse:
    member = request.member
    form = ModuleForm(request.POST or None, organisation=member.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            module = services.create_module(by=member, fields=form.module_fields())
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Module created. Now add its lessons and questions."))
            return _to_module_editor(member, module.pk)
    return render(request, "training/module_form.html", {"form": form, "module": None})


@member_view(Capability.MANAGE_CONTENT)
def module_edit(request: MemberRequest, module_id: int) -> HttpResponse:
    member = request.member
    module = access_managed_module_by_member(member=member, module_id=module_id)
    form = ModuleForm(
        request.POST or None, organisation=member.organisation, initial=module_initial(module)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_module(by=member, module=module, fields=form.module_fields())
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Module saved."))
            return _to_module_editor(member, module.pk)
    return render(
        request,
        "training/module_form.html",
        {
            "form": form,
            "module": module,
            "lessons": selectors.lessons_of(module=module),
            "questions": selectors.questions_of(module=module),
        },
    )


@member_view(Capability.MANAGE_CONTENT)
@require_POST
def module_delete(request: MemberRequest, module_id: int) -> HttpResponse:
    module = access_managed_module_by_member(member=request.member, module_id=module_id)
    report_outcome(
        request,
        lambda: services.delete_module(by=request.member, module=module),
        success=_("Module deleted, with its lessons, questions and everyone's progress."),
    )
    return redirect("training:manage", org=request.member.organisation.slug)


def _moves_up(request: MemberRequest) -> bool:
    return request.POST.get("direction") == "up"


@member_view(Capability.MANAGE_CONTENT)
@require_POST
def module_move(request: MemberRequest, module_id: int) -> HttpResponse:
    module = access_managed_module_by_member(member=request.member, module_id=module_id)
    services.move_module(by=request.member, module=module, up=_moves_up(request))
    return redirect("training:manage", org=request.member.organisation.slug)


@member_view(Capability.MANAGE_CONTENT)
def lesson_create(request: MemberRequest, module_id: int) -> HttpResponse:
    member = request.member
    module = access_managed_module_by_member(member=member, module_id=module_id)
    form = LessonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_lesson(by=member, module=module, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Lesson added."))
            return _to_module_editor(member, module.pk)
    return render(
        request, "training/lesson_form.html", {"form": form, "module": module, "lesson": None}
    )


@member_view(Capability.MANAGE_CONTENT)
def lesson_edit(request: MemberRequest, lesson_id: int) -> HttpResponse:
    member = request.member
    current = access_managed_lesson_by_member(member=member, lesson_id=lesson_id)
    form = LessonForm(
        request.POST or None,
        initial={"title": current.shown_title, "body": current.shown_body},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_lesson(by=member, lesson=current, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Lesson saved."))
            return _to_module_editor(member, current.module_id)
    return render(
        request,
        "training/lesson_form.html",
        {"form": form, "module": current.module, "lesson": current},
    )


@member_view(Capability.MANAGE_CONTENT)
@require_POST
def lesson_delete(request: MemberRequest, lesson_id: int) -> HttpResponse:
    current = access_managed_lesson_by_member(member=request.member, lesson_id=lesson_id)
    report_outcome(
        request,
        lambda: services.delete_lesson(by=request.member, lesson=current),
        success=_("Lesson deleted."),
    )
    return _to_module_editor(request.member, current.module_id)


@member_view(Capability.MANAGE_CONTENT)
@require_POST
def lesson_move(request: MemberRequest, lesson_id: int) -> HttpResponse:
    current = access_managed_lesson_by_member(member=request.member, lesson_id=lesson_id)
    services.move_lesson(by=request.member, lesson=current, up=_moves_up(request))
    return _to_module_editor(request.member, current.module_id)


@member_view(Capability.MANAGE_CONTENT)
def question_create(request: MemberRequest, module_id: int) -> HttpResponse:
    member = request.member
    module = access_managed_module_by_member(member=member, module_id=module_id)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_question(
                by=member, module=module, text=form.cleaned_data["text"], choices=form.choices()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Question added."))
            return _to_module_editor(member, module.pk)
    return render(
        request,
        "training/question_form.html",
        {"form": form, "module": module, "question": None},
    )


@member_view(Capability.MANAGE_CONTENT)
def question_edit(request: MemberRequest, question_id: int) -> HttpResponse:
    member = request.member
    question = access_managed_question_by_member(member=member, question_id=question_id)
    form = QuestionForm(request.POST or None, initial=question_initial(question))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_question(
                by=member,
                question=question,
                text=form.cleaned_data["text"],
                choices=form.choices(),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Question saved."))
            return _to_module_editor(member, question.module_id)
    return render(
        request,
        "training/question_form.html",
        {"form": form, "module": question.module, "question": question},
    )


@member_view(Capability.MANAGE_CONTENT)
@require_POST
def question_delete(request: MemberRequest, question_id: int) -> HttpResponse:
    question = access_managed_question_by_member(member=request.member, question_id=question_id)
    report_outcome(
        request,
        lambda: services.delete_question(by=request.member, question=question),
        success=_("Question deleted."),
    )
    return _to_module_editor(request.member, question.module_id)


@member_view(Capability.MANAGE_CONTENT)
@require_POST
def question_move(request: MemberRequest, question_id: int) -> HttpResponse:
    question = access_managed_question_by_member(member=request.member, question_id=question_id)
    services.move_question(by=request.member, question=question, up=_moves_up(request))
    return _to_module_editor(request.member, question.module_id)


@member_view(Capability.MANAGE_CONTENT)
def progress(request: MemberRequest, module_id: int) -> HttpResponse:
    member = request.member
    module = access_managed_module_by_member(member=member, module_id=module_id)
    teams = list(Team.objects.filter(organisation=member.organisation))
    team_id = request.GET.get("team", "")
    team = next((t for t in teams if str(t.pk) == team_id), None)
    page = paginate(
        request,
        selectors.assigned_members(module=module, team=team),
        per_page=PROGRESS_PAGE_SIZE,
    )
    rows = [(row, selectors.progress_status(row)) for row in page["page_obj"].object_list]
    return render(
        request,
        "training/progress.html",
        {
            "module": module,
            "teams": teams,
            "team": team,
            "rows": rows,
            "counts": selectors.progress_counts(module=module, team=team),
            "lessons_total": module.lessons.count(),
            "time_zone": member.time_zone,
            **page,
        },
    )


@member_view(Capability.MANAGE_CONTENT)
def unlocks(request: MemberRequest) -> HttpResponse:
    member = request.member
    modules = list(Module.objects.filter(organisation=member.organisation))
    current = selectors.unlock_requirements(organisation=member.organisation)
    form = UnlockForm(
        request.POST or None,
        modules=modules,
        initial={kind: str(module_id) for kind, module_id in current.items()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_unlock_requirements(by=member, requirements=form.requirements())
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Saved. Members see the change at once."))
            return redirect("training:unlocks", org=member.organisation.slug)
    return render(request, "training/unlocks.html", {"form": form})
