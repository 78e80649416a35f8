from django.http import Http404

from chorus.orgs.access import check_capability
from chorus.orgs.models import Membership
from chorus.orgs.roles import Capability
from chorus.training.models import Lesson, Module, Question


def access_module_by_member(*, member: Membership, module_id: int) -> Module:
    """A module of the member's organisation: every member may take any of them."""
    try:
        return Module.objects.get(organisation_id=member.organisation_id, pk=module_id)
    except Module.DoesNotExist:
        raise Http404("No such module") from None


def access_lesson_by_member(*, member: Membership, module: Module, lesson_id: int) -> Lesson:
    if module.organisation_id != member.organisation_id:
        raise Http404("No such lesson")
    try:
        return module.lessons.get(pk=lesson_id)
    except Lesson.DoesNotExist:
        raise Http404("No such lesson") from None


def access_managed_module_by_member(*, member: Membership, module_id: int) -> Module:
    """A module of the member's organisation, for those who manage content."""
    check_capability(member, Capability.MANAGE_CONTENT)
    return access_module_by_member(member=member, module_id=module_id)


def access_managed_lesson_by_member(*, member: Membership, lesson_id: int) -> Lesson:
    check_capability(member, Capability.MANAGE_CONTENT)
    try:
        return Lesson.objects.select_related("module").get(
            module__organisation_id=member.organisation_id, pk=lesson_id
        )
    except Lesson.DoesNotExist:
        raise Http404("No such lesson") from None


def access_managed_question_by_member(*, member: Membership, question_id: int) -> Question:
    check_capability(member, Capability.MANAGE_CONTENT)
    try:
        return Question.objects.select_related("module").get(
            module__organisation_id=member.organisation_id, pk=question_id
        )
    except Question.DoesNotExist:
        raise Http404("No such question") from None
