"""The NinjaAPI of version 1: token authentication, JSON errors, and every endpoint group."""

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from chorus.api.v1 import (
    accounts,
    campaigns,
    compose,
    errors,
    feed,
    me,
    notifications,
    posts,
    programme,
    rallies,
)
from chorus.api.v1.auth import TokenAuth

DESCRIPTION = """\
Everything Chorus does, for other tools. Each request acts as the member who made the
token (on the API tokens page of their organisation), in that organisation, with their role.

Send the token as `Authorization: Bearer <token>`. Errors: 401 without a usable token,
403 when your role does not allow it, 404 for anything unknown or of another
organisation, 409 when a workflow step does not fit the object's state, and 422 with
`{"errors": {"field": ["message"]}}` for invalid input (`__all__` for the request as a whole).
Lists take `limit` and `offset` and return `items` and `total`.
"""


class LocalSwagger(Swagger):
    """Swagger UI from the files django-ninja ships, served by Chorus itself.

    Ninja falls back to a CDN copy when "ninja" is missing from INSTALLED_APPS; this
    page fails loudly instead. Its scripts are files, its settings a JSON block: the
    strict Content Security Policy holds.
    """

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {"swagger_settings": json.dumps(settings), "api": api, "add_csrf": False}
        return render(request, self.template, context)


api = NinjaAPI(
    title="Chorus API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=TokenAuth(),
    docs_url="/docs",
    # No online validator: the page must not call out to anyone else's server.
    docs=LocalSwagger(settings={"validatorUrl": None}),
)
errors.install(api)
for group in (
    me,
    campaigns,
    programme,
    accounts,
    feed,
    compose,
    posts,
    rallies,
    notifications,
):
    api.add_router("/", group.router)
