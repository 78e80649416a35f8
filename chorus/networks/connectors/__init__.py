"""Which connector serves which network.

``settings.CHORUS_CONNECTORS`` maps a network to the dotted path of its connector
class; networks without an entry cannot be posted to.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from chorus.networks.connectors.base import Connector


def get_connector(network: str) -> Connector:
    path = settings.CHORUS_CONNECTORS.get(network)
    if path is None:
        raise ImproperlyConfigured(f"No connector is configured for the network {network!r}.")
    connector: Connector = import_string(path)()
    return connector
