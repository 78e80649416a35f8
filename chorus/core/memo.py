"""Reads shared by the items of one batch, read once for all of them.

Some reads are the same for every item a batch handles: an organisation's current
policy or its compliance rules' revision, whether a member takes part. Inside
``shared_reads()`` a selector decorated with ``@read_once_per_batch`` returns what
it first read for the same arguments; outside it, it reads every time. The block is
as long as one transaction of the batch, so what it shares is what that transaction
would have read anyway, a moment apart.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any

type _Reads = dict[tuple[Any, ...], Any]

_reads: ContextVar[_Reads | None] = ContextVar("shared_reads", default=None)


@contextmanager
def shared_reads() -> Iterator[None]:
    """Decorated selectors called inside this block read once per set of arguments."""
    token = _reads.set({})
    try:
        yield
    finally:
        _reads.reset(token)


def read_once_per_batch[**P, R](selector: Callable[P, R]) -> Callable[P, R]:
    """For keyword-only selectors whose arguments are hashable (model instances are,
    by primary key)."""

    @wraps(selector)
    def read(*args: P.args, **kwargs: P.kwargs) -> R:
        reads = _reads.get()
        if reads is None or args:
            return selector(*args, **kwargs)
        key = (selector, *sorted(kwargs.items()))
        if key not in reads:
            reads[key] = selector(*args, **kwargs)
        result: R = reads[key]
        return result

    return read
