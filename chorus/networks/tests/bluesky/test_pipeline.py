"""The publishing pipeline with the Bluesky connector and a real PDS, in this process."""

from datetime import timedelta

import pytest

from chorus.campaigns.models import Activity, ActivityKind, Campaign, CampaignState
from chorus.networks.connectors.base import Credentials
from chorus.networks.models import AccountStatus, ConnectedAccount
from chorus.publishing import pipeline
from chorus.publishing.models import AttemptOutcome, Post, PostState
from chorus.publishing.tests.factories import T0, join_programme, scheduled_post

pytestmark = pytest.mark.django_db

LINK = "https://acme.test/solar"


@pytest.fixture
def taking_part(account: ConnectedAccount) -> ConnectedAccount:
    join_programme(account.member)
    ConnectedAccount.objects.filter(pk=account.pk).update(takes_part=True)
    account.refresh_from_db()
    return account


def test_a_due_post_goes_out_with_the_campaigns_link_card(taking_part, pds):
    campaign = Campaign.objects.create(
        organisation=taking_part.organisation, name="Launch", state=CampaignState.LIVE
    )
    activity = Activity.objects.create(
        campaign=campaign,
        kind=ActivityKind.SHARE_LINK,
        title="Share the launch",
        link_url=LINK,
        link_title="Solar tiles",
        link_description="Roof tiles that make electricity.",
    )
    text = f"Proud of this one.\n{LINK}\n\n#employee"
    post = scheduled_post(taking_part, text=text, activity=activity)
    Post.objects.filter(pk=post.pk).update(link_url=LINK)

    assert pipeline.run_due_posts(now=T0, synchronous=True) == 1

    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    assert post.external_url.startswith("https://bsky.app/profile/did:plc:")
    value = pds.get_record(post.external_id)["value"]
    assert value["text"] == text
    assert value["embed"]["external"] == {
        "$type": "app.bsky.embed.external#external",
        "uri": LINK,
        "title": "Solar tiles",
        "description": "Roof tiles that make electricity.",
    }


def test_a_revoked_session_waits_for_its_owner_to_reconnect(taking_part, connector, pds):
    connector.revoke(taking_part)
    spent = taking_part.credentials
    ConnectedAccount.objects.filter(pk=taking_part.pk).update(
        credentials=Credentials(
            access_token=pds.expired_access_token(taking_part.external_id),
            refresh_token=spent.refresh_token,
            expires_at=T0 - timedelta(hours=1),
            extra=spent.extra,
        )
    )
    post = scheduled_post(taking_part)

    pipeline.run_due_posts(now=T0, synchronous=True)

    post.refresh_from_db()
    taking_part.refresh_from_db()
    assert post.state == PostState.SCHEDULED
    assert post.attempts.get().outcome == AttemptOutcome.AUTH
    assert taking_part.status == AccountStatus.NEEDS_RECONNECT
    assert "revoked" in taking_part.status_reason
    assert pds.list_records(taking_part.external_id) == []
