import pytest

from chorus.rallies.tests.helpers import live_activity, now, offer, open_rally


@pytest.fixture
def start():
    return now()


@pytest.fixture
def activity(organisation, cast):
    """A live share-link activity, offered to the whole cast."""
    activity = live_activity(organisation)
    offer(activity)
    return activity


@pytest.fixture
def rally(content_manager, activity, start):
    return open_rally(by=content_manager, activity=activity, at=start, goal=3)
