"""Instagram failures as connector errors.

Besides the Graph API's shared codes, Instagram's publishing API reports its own
(see Meta's "Instagram Platform: Error Codes"): codes -1 and -2 are server
errors and media download timeouts worth retrying, and code 9 (subcode 2207042)
says the account reached its 24-hour publishing limit.
"""

import httpx

from chorus.networks.connectors import graph
from chorus.networks.connectors.base import ConnectorError

SERVER_ERROR_CODES = (-1, -2)
PUBLISHING_LIMIT_CODES = (9,)


def error_for(response: httpx.Response) -> ConnectorError:
    return graph.error_for(
        response, transient_codes=SERVER_ERROR_CODES, rate_limit_codes=PUBLISHING_LIMIT_CODES
    )
