from typing import Any

from django.db.models import Model, QuerySet
from ninja import Field, Schema

DEFAULT_LIMIT = 50
MAX_LIMIT = 100


class PageParams(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")
    offset: int = Field(0, ge=0, description="Items to skip.")


def page_of[M: Model](items: QuerySet[M], params: PageParams) -> dict[str, Any]:
    """One page of ``items`` with the total, for a ``Page`` response."""
    return {
        "items": list(items[params.offset : params.offset + params.limit]),
        "total": items.count(),
        "limit": params.limit,
        "offset": params.offset,
    }
