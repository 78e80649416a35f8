"""Authenticator codes for tests that will still be valid when the server checks them."""

import time

import pyotp

# A code typed in the last seconds of its 30-second window may reach the server in the
# next one; Chorus accepts only the current window, so tests wait for a fresh one.
SAFETY_MARGIN_SECONDS = 4


def fresh_code(secret: str) -> str:
    totp = pyotp.TOTP(secret)
    remaining = totp.interval - time.time() % totp.interval
    if remaining < SAFETY_MARGIN_SECONDS:
        time.sleep(remaining + 0.1)
    return totp.now()
