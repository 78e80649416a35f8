"""Building blocks for the policy tests."""

from datetime import UTC, datetime

from chorus.orgs.models import Membership
from chorus.policies import services
from chorus.policies.models import PolicyVersion

# A Monday morning; members' time zones are UTC unless a test says otherwise.
MONDAY = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
POLICY = "## Be yourself\n\nSpeak for yourself, not for the company."


def publish(
    by: Membership,
    *,
    major: bool = True,
    text: str = POLICY,
    summary: str = "What changed",
    now: datetime | None = None,
) -> PolicyVersion:
    return services.publish_version(by=by, text=text, summary=summary, major=major, now=now).version
