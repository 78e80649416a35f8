from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def report_outcome(request: HttpRequest, action: Callable[[], object], *, success: str) -> bool:
    """Run a service call for a view: its refusal becomes an error message, success a notice."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, success)
    return True
