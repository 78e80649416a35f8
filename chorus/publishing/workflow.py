"""Publishing a post: every allowed move between states, in one place."""

from chorus.core.workflow import StateMachine, Transition, states
from chorus.publishing.models import PostState as S

POST_WORKFLOW = StateMachine(
    (
        Transition(name="schedule", sources=states(S.APPROVED), target=S.SCHEDULED),
        # Moving a scheduled post, or scheduling a failed one again after the owner fixed it.
        Transition(name="reschedule", sources=states(S.SCHEDULED, S.FAILED), target=S.SCHEDULED),
        Transition(name="claim", sources=states(S.SCHEDULED), target=S.PUBLISHING),
        Transition(name="published", sources=states(S.PUBLISHING), target=S.PUBLISHED),
        # Transient error, rate limit, expired token, or an interrupted attempt: try again later.
        Transition(name="retry_later", sources=states(S.PUBLISHING), target=S.SCHEDULED),
        Transition(name="fail", sources=states(S.PUBLISHING), target=S.FAILED),
        Transition(
            name="cancel",
            sources=states(S.APPROVED, S.SCHEDULED, S.FAILED, S.PAUSED),
            target=S.CANCELLED,
        ),
        # Held while its owner has not accepted the current social media policy.
        Transition(name="pause", sources=states(S.SCHEDULED), target=S.PAUSED),
        Transition(name="resume", sources=states(S.PAUSED), target=S.SCHEDULED),
    )
)
