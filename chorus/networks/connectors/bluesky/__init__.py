"""Bluesky: posts to a member's repository on their PDS, signed in with an app password."""

from chorus.networks.connectors.bluesky.connector import BlueskyConnector as Connector

__all__ = ["Connector"]
