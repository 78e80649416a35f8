"""A rally's life: open for pledges until it fires, misses its goal, or is called off."""

from chorus.core.workflow import StateMachine, Transition, states
from chorus.orgs.roles import Capability
from chorus.rallies.models import RallyState as S

RALLY_WORKFLOW = StateMachine(
    (
        # Fire and miss are decided by the clock and the pledge count, not by a person.
        Transition(name="fire", sources=states(S.OPEN), target=S.FIRED),
        Transition(name="miss", sources=states(S.OPEN), target=S.MISSED),
        Transition(
            name="cancel",
            sources=states(S.OPEN),
            target=S.CANCELLED,
            capability=Capability.MANAGE_CONTENT,
        ),
    )
)
