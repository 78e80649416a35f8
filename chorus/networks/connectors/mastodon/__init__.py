"""Mastodon: posts to any instance a member names, as that member."""

from chorus.networks.connectors.mastodon.connector import MastodonConnector as Connector

__all__ = ["Connector"]
