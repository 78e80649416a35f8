"""An API client per member, and the objects the API tests build on."""

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.test.client import MULTIPART_CONTENT

from chorus.api import services
from chorus.campaigns.models import Activity, ActivityKind, Campaign, CampaignState, Suggestion
from chorus.networks.models import AccountStatus, ConnectedAccount
from chorus.orgs.models import Membership, Organisation, Team
from chorus.sharing.feed import offer_campaign

BASE = "/api/v1"


class Api:
    """Requests to /api/v1 with one bearer token, and no cookies or CSRF token at all."""

    def __init__(self, secret: str | None) -> None:
        headers = {"Authorization": f"Bearer {secret}"} if secret is not None else {}
        self.client = Client(enforce_csrf_checks=True, headers=headers)

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(BASE + path, params)

    def _send(self, method: str, path: str, body: Any) -> Any:
        send = getattr(self.client, method)
        if body is None:
            return send(BASE + path)
        return send(BASE + path, json.dumps(body), content_type="application/json")

    def post(self, path: str, body: Any = None) -> Any:
        return self._send("post", path, body)

    def put(self, path: str, body: Any = None) -> Any:
        return self._send("put", path, body)

    def patch(self, path: str, body: Any = None) -> Any:
        return self._send("patch", path, body)

    def delete(self, path: str) -> Any:
        return self.client.delete(BASE + path)

    def upload(self, path: str, data: dict[str, Any]) -> Any:
        return self.client.post(BASE + path, data, content_type=MULTIPART_CONTENT)


@pytest.fixture
def api() -> Callable[[Membership], Api]:
    def client_for(member: Membership) -> Api:
        return Api(services.create_token(by=member, name="Test tool").secret)

    return client_for


def make_live_activity(
    organisation: Organisation,
    *,
    kind: str = ActivityKind.SHARE_LINK,
    networks: list[str] | None = None,
    state: str = CampaignState.LIVE,
    title: str = "Solar tiles launch",
    pilot_team: Team | None = None,
) -> Activity:
    """An activity of a campaign in ``state``, offered to every member of the organisation."""
    campaign = Campaign.objects.create(
        organisation=organisation,
        name=f"Campaign {title}",
        state=state,
        languages=["en"],
        networks=networks if networks is not None else ["outbox"],
        pilot_team=pilot_team,
    )
    activity = Activity.objects.create(
        campaign=campaign,
        kind=kind,
        title=title,
        link_url="https://acme.test/solar" if kind == ActivityKind.SHARE_LINK else "",
        topic="Solar" if kind == ActivityKind.OWN_POST else "",
    )
    Suggestion.objects.create(
        activity=activity,
        language="en",
        text="Our new solar roof tiles cut a family's energy bill by a third.",
    )
    offer_campaign(campaign=campaign, pilot=state == CampaignState.PILOT)
    return activity


def make_account(
    member: Membership, *, network: str = "outbox", takes_part: bool = True
) -> ConnectedAccount:
    return ConnectedAccount.objects.create(
        organisation=member.organisation,
        member=member,
        network=network,
        external_id=str(uuid.uuid4()),
        handle=f"@member{member.pk}-{uuid.uuid4().hex[:6]}",
        takes_part=takes_part,
        status=AccountStatus.ACTIVE,
    )
