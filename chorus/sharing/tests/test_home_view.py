"""The employee home: the feed of things to share (orgs:home, built by chorus.sharing)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from chorus.campaigns.models import ActivityKind, CampaignState
from chorus.sharing.models import FeedEntry, FeedState
from chorus.sharing.tests.conftest import make_account, make_activity

pytestmark = pytest.mark.django_db

HOME = "/o/acme/"


def titles(page: str) -> list[str]:
    return re.findall(r'<h3 id="activity-\d+-title">([^<]+)</h3>', page)


def test_outside_the_programme_the_home_explains_and_offers_to_join(
    employee, activity, login
) -> None:
    page = login(employee).get(HOME).content.decode()

    assert "Welcome, Erin" in page
    assert "Taking part is your choice" in page
    assert 'href="/o/acme/share/programme/"' in page
    assert titles(page) == []


def test_without_participating_accounts_it_links_to_the_accounts_page(
    employee, activity, login
) -> None:
    from chorus.sharing import services

    services.join_programme(member=employee)

    page = login(employee).get(HOME).content.decode()

    assert "None of your accounts takes part yet" in page
    assert 'href="/o/acme/accounts/"' in page


def test_the_feed_shows_live_and_pilot_activities_but_not_expired_or_hidden_ones(
    participant, organisation, cast, teams, login
) -> None:
    participant.teams.add(teams["Nordics"])
    make_activity(organisation, title="Live one")
    pilot = make_activity(organisation, title="Pilot one", state=CampaignState.PILOT, offer=False)
    pilot.campaign.pilot_team = teams["Nordics"]
    pilot.campaign.save()
    from chorus.sharing.feed import offer_campaign

    offer_campaign(campaign=pilot.campaign, pilot=True)
    make_activity(
        organisation, title="Expired one", expires_at=timezone.now() - timedelta(minutes=1)
    )
    ended = make_activity(organisation, title="Ended one")
    ended.campaign.state = CampaignState.ENDED
    ended.campaign.save()

    page = login(participant).get(HOME).content.decode()

    assert sorted(titles(page)) == ["Live one", "Pilot one"]


def test_pilot_campaigns_ask_for_feedback_instead_of_a_post(
    participant, organisation, cast, teams, login
) -> None:
    participant.teams.add(teams["Nordics"])
    pilot = make_activity(organisation, title="Pilot one", state=CampaignState.PILOT, offer=False)
    pilot.campaign.pilot_team = teams["Nordics"]
    pilot.campaign.save()
    from chorus.sharing.feed import offer_campaign

    offer_campaign(campaign=pilot.campaign, pilot=True)

    page = login(participant).get(HOME).content.decode()

    assert "Tell us how your audience would read this" in page
    assert f'href="/o/acme/campaigns/{pilot.campaign_id}/pilot/"' in page
    assert f'href="/o/acme/share/activities/{pilot.pk}/"' not in page


def test_new_comes_first_then_relevance_then_newest(participant, organisation, cast, login) -> None:
    make_account(participant, network="mastodon", takes_part=False)
    done = make_activity(organisation, title="Done")
    german = make_activity(organisation, title="German only", suggestions=[("", "de", "Hallo")])
    on_x = make_activity(organisation, title="X only", networks=["x"])
    english_linkedin = make_activity(
        organisation, title="English on LinkedIn", networks=["linkedin"]
    )
    newest_german = make_activity(
        organisation, title="Newest German", suggestions=[("", "de", "Neu")]
    )
    FeedEntry.objects.filter(member=participant, activity=done).update(state=FeedState.DONE)
    base = timezone.now() - timedelta(days=1)
    for minutes, item in enumerate([done, german, on_x, english_linkedin, newest_german]):
        FeedEntry.objects.filter(member=participant, activity=item).update(
            created_at=base + timedelta(minutes=minutes)
        )

    page = login(participant).get(HOME).content.decode()

    assert titles(page) == [
        "English on LinkedIn",  # a suggestion in English and a LinkedIn campaign: most relevant
        "Newest German",  # one of the two (any network, LinkedIn included); the newest
        "X only",  # one of the two (English)
        "German only",  # one of the two (any network), the oldest
        "Done",  # not new: last
    ]


def test_tabs_filter_by_state(participant, organisation, cast, login) -> None:
    make_activity(organisation, title="Fresh")
    skipped = make_activity(organisation, title="Not for me")
    FeedEntry.objects.filter(member=participant, activity=skipped).update(state=FeedState.SKIPPED)
    client = login(participant)
    page = client.get(HOME).content.decode()
    assert 'href="?state=skipped" >Skipped <span class="count">1</span>' in page

    assert titles(client.get(HOME + "?state=skipped").content.decode()) == ["Not for me"]
    assert titles(client.get(HOME + "?state=new").content.decode()) == ["Fresh"]
    assert titles(client.get(HOME + "?state=done").content.decode()) == []
    assert "Nothing here." in client.get(HOME + "?state=done").content.decode()
    assert sorted(titles(client.get(HOME + "?state=bogus").content.decode())) == [
        "Fresh",
        "Not for me",
    ]


def test_state_badges(participant, organisation, cast, login) -> None:
    scheduled = make_activity(organisation, title="Going out")
    FeedEntry.objects.filter(member=participant, activity=scheduled).update(
        state=FeedState.SCHEDULED
    )

    page = login(participant).get(HOME).content.decode()

    assert '<span class="badge state-scheduled">Scheduled</span>' in page


def test_nothing_new_is_said_plainly(participant, organisation, cast, login) -> None:
    old = make_activity(organisation, title="Old")
    FeedEntry.objects.filter(member=participant, activity=old).update(state=FeedState.DONE)

    page = login(participant).get(HOME).content.decode()

    assert "Nothing new right now." in page
    assert titles(page) == ["Old"]


def test_an_empty_feed(participant, login) -> None:
    page = login(participant).get(HOME).content.decode()

    assert "Nothing to share right now." in page


def test_the_feed_is_paginated(participant, organisation, cast, login) -> None:
    for number in range(23):
        make_activity(organisation, title=f"Item {number:02d}")
    client = login(participant)

    first = client.get(HOME).content.decode()
    second = client.get(HOME + "?page=2").content.decode()

    assert len(titles(first)) == 20
    assert len(titles(second)) == 3
    assert "Page 1 of 2" in first


def test_skip_and_bring_back(participant, activity, login) -> None:
    client = login(participant)
    url = f"/o/acme/share/activities/{activity.pk}/feed/"

    response = client.post(url, {"action": "skip"})
    assert response.status_code == 302
    assert FeedEntry.objects.get(member=participant, activity=activity).state == FeedState.SKIPPED

    client.post(url, {"action": "unskip", "state": "skipped"})
    assert FeedEntry.objects.get(member=participant, activity=activity).state == FeedState.NEW


def test_a_like_can_be_marked_done(participant, organisation, cast, login) -> None:
    like = make_activity(organisation, title="Like it", kind=ActivityKind.LIKE)

    login(participant).post(f"/o/acme/share/activities/{like.pk}/feed/", {"action": "done"})

    assert FeedEntry.objects.get(member=participant, activity=like).state == FeedState.DONE


def test_another_members_feed_entry_cannot_be_skipped(
    participant, organisation, login, content_manager
) -> None:
    only_theirs = make_activity(organisation, title="Theirs", offer=False)
    FeedEntry.objects.create(
        member=content_manager, activity=only_theirs, campaign=only_theirs.campaign
    )

    response = login(participant).post(
        f"/o/acme/share/activities/{only_theirs.pk}/feed/", {"action": "skip"}
    )

    assert response.status_code == 404
    assert FeedEntry.objects.get(member=content_manager).state == FeedState.NEW


def test_outsiders_get_404(outsider, activity, login) -> None:
    client = login(outsider)

    assert client.get(HOME).status_code == 404
    assert client.post(f"/o/acme/share/activities/{activity.pk}/feed/").status_code == 404
