from chorus.networks.connectors.facebook.connector import FacebookConnector as Connector

__all__ = ["Connector"]
