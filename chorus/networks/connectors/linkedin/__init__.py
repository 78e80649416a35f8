"""The LinkedIn connector: members post, comment and react through LinkedIn's Posts API."""

from chorus.networks.connectors.linkedin.connector import LinkedInConnector as Connector

__all__ = ["Connector"]
