"""Errors as JSON: field errors as {"errors": {"field": ["message"]}}, others as {"detail": ...}.

Access helpers raise Http404 (unknown, or another organisation's) and PermissionDenied
(missing capability); services raise ValidationError, and TransitionNotAllowed when a
workflow move does not fit the object's state.
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as SchemaValidationError

from chorus.core.workflow import TransitionNotAllowed

# Where ninja says a bad value came from; the field name follows (after the body's name).
SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form", "file"})


def field_errors(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: list(messages) for field, messages in error.message_dict.items()}
    return {NON_FIELD_ERRORS: list(error.messages)}


def _schema_field(location: list[Any]) -> str:
    parts = list(location)
    if parts and parts[0] in SOURCES:
        source = parts.pop(0)
        # A JSON body is one parameter; its name is not the field's.
        if source == "body" and len(parts) > 1:
            parts.pop(0)
    names = [str(part) for part in parts if isinstance(part, str)]
    return ".".join(names) or NON_FIELD_ERRORS


def schema_field_errors(error: SchemaValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for problem in error.errors:
        field = _schema_field(problem.get("loc", []))
        errors.setdefault(field, []).append(str(problem.get("msg", _("This value is not valid."))))
    return errors


@contextmanager
def renamed_fields(names: Mapping[str, str]) -> Iterator[None]:
    """Report a service's field errors under the API's names for the fields (e.g. account_id)."""
    try:
        yield
    except TransitionNotAllowed:
        raise
    except ValidationError as error:
        raise ValidationError(
            {names.get(field, field): messages for field, messages in field_errors(error).items()}
        ) from error


def install(api: NinjaAPI) -> None:
    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, {"detail": _("Not found.")}, status=404)

    def forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(
            request, {"detail": _("Your role does not allow this.")}, status=403
        )

    def unauthorised(request: HttpRequest, exc: Any) -> HttpResponse:
        response = api.create_response(
            request,
            {"detail": _("Send a valid API token: Authorization: Bearer <token>.")},
            status=401,
        )
        response["WWW-Authenticate"] = 'Bearer realm="Chorus API"'
        return response

    def invalid(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, {"errors": field_errors(exc)}, status=422)

    def conflict(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, {"errors": field_errors(exc)}, status=409)

    def invalid_request(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, {"errors": schema_field_errors(exc)}, status=422)

    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(PermissionDenied, forbidden)
    api.add_exception_handler(AuthenticationError, unauthorised)
    api.add_exception_handler(ValidationError, invalid)
    api.add_exception_handler(TransitionNotAllowed, conflict)
    api.add_exception_handler(SchemaValidationError, invalid_request)
