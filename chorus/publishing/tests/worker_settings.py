"""Settings for the worker processes the crash tests start: Chorus's own, with a network
connector that stops (and waits to be killed) around the moment of sending."""

from chorus.settings import *  # noqa: F403

CHORUS_CONNECTORS = {"outbox": "chorus.publishing.tests.test_pipeline_crash.StallingConnector"}
