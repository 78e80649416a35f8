"""Facebook Pages failures as connector errors.

Pages calls fail with the Graph API's shared error codes only (token expired 190,
throttled 4/17/32/613 and Business Use Case 80001, duplicate post 506, ...), so
the shared mapping in ``graph.error_for`` covers them all.
"""

import httpx

from chorus.networks.connectors import graph
from chorus.networks.connectors.base import ConnectorError


def error_for(response: httpx.Response) -> ConnectorError:
    return graph.error_for(response)
