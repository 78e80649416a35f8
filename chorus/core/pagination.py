from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


def filter_query(request: HttpRequest) -> str:
    """The request's query string without its page number: the filters in force."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def paginate(request: HttpRequest, items: QuerySet[Any], *, per_page: int) -> dict[str, Any]:
    """What chorus/pagination.html needs: the page, and the filters its links keep."""
    query = filter_query(request)
    return {
        "page_obj": Paginator(items, per_page).get_page(request.GET.get("page")),
        "query_without_page": f"{query}&" if query else "",
    }
