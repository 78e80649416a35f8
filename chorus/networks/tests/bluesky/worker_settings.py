"""Settings for the worker processes the Bluesky crash tests start: Chorus's own, with a
Bluesky connector that stops (and waits to be killed) around the moment of sending."""

from chorus.settings import *  # noqa: F403
from chorus.settings import CHORUS_CONNECTORS

CHORUS_CONNECTORS = {
    **CHORUS_CONNECTORS,
    "bluesky": "chorus.networks.tests.bluesky.test_publish_crash.StallingBlueskyConnector",
}
