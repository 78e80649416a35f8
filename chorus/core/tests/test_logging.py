"""What Chorus's processes write to their logs."""

import logging


def test_calls_to_networks_are_not_logged_one_line_each():
    # httpx logs every request, with its full address, at INFO.
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)
    assert logging.getLogger("httpx").isEnabledFor(logging.WARNING)
    assert logging.getLogger("chorus").isEnabledFor(logging.INFO)
