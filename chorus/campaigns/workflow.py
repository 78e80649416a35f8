"""Campaign review: every allowed move between states, and who may make it."""

from chorus.campaigns.models import CampaignState as S
from chorus.core.workflow import StateMachine, Transition, states
from chorus.orgs.roles import Capability

CAMPAIGN_WORKFLOW = StateMachine(
    (
        Transition(
            name="submit",
            sources=states(S.DRAFT),
            target=S.IN_REVIEW,
            capability=Capability.MANAGE_CONTENT,
        ),
        Transition(
            name="request_changes",
            sources=states(S.IN_REVIEW),
            target=S.DRAFT,
            capability=Capability.REVIEW_CONTENT,
        ),
        Transition(
            name="approve",
            sources=states(S.IN_REVIEW),
            target=S.APPROVED,
            capability=Capability.REVIEW_CONTENT,
        ),
        Transition(
            name="start_pilot",
            sources=states(S.APPROVED),
            target=S.PILOT,
            capability=Capability.MANAGE_CONTENT,
        ),
        # After reading pilot feedback: change the content (it must be reviewed again).
        Transition(
            name="revise",
            sources=states(S.APPROVED, S.PILOT),
            target=S.DRAFT,
            capability=Capability.MANAGE_CONTENT,
        ),
        Transition(
            name="go_live",
            sources=states(S.APPROVED, S.PILOT),
            target=S.LIVE,
            capability=Capability.MANAGE_CONTENT,
        ),
        Transition(
            name="end",
            sources=states(S.LIVE),
            target=S.ENDED,
            capability=Capability.MANAGE_CONTENT,
        ),
        Transition(
            name="archive",
            sources=states(S.DRAFT, S.ENDED),
            target=S.ARCHIVED,
            capability=Capability.MANAGE_CONTENT,
        ),
    )
)

# Content may change only here: what reviewers approved is what employees see.
EDITABLE_STATES = frozenset({S.DRAFT})
# Employees see campaigns in these states (pilot: only the pilot team).
VISIBLE_TO_EMPLOYEES = frozenset({S.PILOT, S.LIVE})
