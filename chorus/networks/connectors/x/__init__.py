"""The X connector: members post, reply, like and repost through X API v2."""

from chorus.networks.connectors.x.connector import XConnector as Connector

__all__ = ["Connector"]
