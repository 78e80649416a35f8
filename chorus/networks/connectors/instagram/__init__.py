from chorus.networks.connectors.instagram.connector import InstagramConnector as Connector

__all__ = ["Connector"]
