"""The composer and its live preview."""

import pytest

from chorus.campaigns.models import ActivityKind, CampaignState
from chorus.links.models import TrackedLink
from chorus.links.services import short_url
from chorus.networks.models import OutboxPost
from chorus.publishing.models import Post, PostState
from chorus.sharing import services
from chorus.sharing.models import DuplicateGuardMode
from chorus.sharing.selectors import advocacy_settings_for
from chorus.sharing.tests.conftest import SUGGESTION, make_account, make_activity, make_post
from chorus.sharing.tests.test_originality_services import OWN_WORDS

pytestmark = pytest.mark.django_db


def compose_url(activity) -> str:
    return f"/o/acme/share/activities/{activity.pk}/"


def preview_url(activity) -> str:
    return f"/o/acme/share/activities/{activity.pk}/preview/"


def test_the_text_starts_from_the_best_suggestion_for_the_account(
    participant, organisation, cast, login
) -> None:
    activity = make_activity(
        organisation,
        suggestions=[
            ("", "de", "Deutscher Text"),
            ("", "en", "Generic English text"),
            ("linkedin", "en", "English text for LinkedIn"),
            ("x", "en", "English text for X"),
        ],
    )

    response = login(participant).get(compose_url(activity))

    assert response.status_code == 200
    assert response.context["form"].initial["text"] == "English text for LinkedIn"
    page = response.content.decode()
    assert ">English text for LinkedIn</textarea>" in page


def test_the_generic_suggestion_in_ones_language_comes_next(
    participant, organisation, cast, login
) -> None:
    participant.user.language = "de"
    participant.user.save()
    activity = make_activity(
        organisation,
        suggestions=[("linkedin", "en", "English for LinkedIn"), ("", "de", "Allgemein")],
    )

    response = login(participant).get(compose_url(activity))

    assert response.context["form"].initial["text"] == "Allgemein"


def test_the_preview_shows_the_final_text_with_disclosure_and_link_card(
    participant, activity, login
) -> None:
    advocacy = advocacy_settings_for(organisation=participant.organisation)
    advocacy.disclosure = "I work at Acme."
    advocacy.save()

    page = login(participant).get(compose_url(activity)).content.decode()

    assert 'id="composer-preview" class="composer-preview" aria-live="polite"' in page
    assert "Exactly what will be posted" in page
    assert "I work at Acme." in page
    assert "Solar roof tiles" in page  # the link card's title
    assert "acme.test" in page
    assert "characters left on LinkedIn" in page


def test_the_live_preview_endpoint_returns_the_partial(participant, activity, login) -> None:
    response = login(participant).post(
        preview_url(activity),
        {"account": participant.connected_accounts.get().pk, "text": OWN_WORDS},
        headers={"HX-Request": "true"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    link = short_url(
        TrackedLink.objects.get(member=participant, activity=activity, network="linkedin")
    )
    assert f"{OWN_WORDS}<br>{link}<br><br>#employee" in page
    assert "Your words are your own" in page


def test_the_preview_says_when_the_text_is_too_long(participant, activity, login) -> None:
    bluesky = make_account(participant, network="bluesky")

    page = (
        login(participant)
        .post(preview_url(activity), {"account": bluesky.pk, "text": "word " * 80})
        .content.decode()
    )

    assert "characters too many for Bluesky" in page


def test_the_preview_flags_a_copy_without_naming_colleagues(
    participant, activity, content_manager, login
) -> None:
    services.join_programme(member=content_manager)
    make_post(content_manager, make_account(content_manager), activity, text=OWN_WORDS)

    page = (
        login(participant)
        .post(
            preview_url(activity),
            {"account": participant.connected_accounts.get().pk, "text": OWN_WORDS},
        )
        .content.decode()
    )

    assert "the same as a post a colleague approved" in page
    assert "Carla" not in page
    assert "carla.content" not in page
    assert 'name="acknowledge_similarity"' in page


def test_approving_stores_the_final_text_and_goes_to_my_posts(participant, activity, login) -> None:
    account = participant.connected_accounts.get()

    response = login(participant).post(
        compose_url(activity), {"account": account.pk, "text": OWN_WORDS, "action": "approve"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/o/acme/share/posts/"
    post = Post.objects.get()
    assert post.text.endswith("\n\n#employee")
    assert post.text.startswith(OWN_WORDS)
    assert post.state == PostState.APPROVED
    assert post.text_is_as_approved


def test_too_long_is_refused_and_the_text_is_kept(participant, activity, login) -> None:
    bluesky = make_account(participant, network="bluesky")
    text = "My own long thoughts " * 20

    response = login(participant).post(
        compose_url(activity), {"account": bluesky.pk, "text": text, "action": "approve"}
    )

    assert response.status_code == 200
    assert "too long for Bluesky" in response.content.decode()
    assert response.context["form"].data["text"] == text
    assert not Post.objects.exists()


def test_warn_mode_needs_the_checkbox(participant, activity, login) -> None:
    client = login(participant)
    data = {
        "account": participant.connected_accounts.get().pk,
        "text": SUGGESTION,
        "action": "approve",
    }

    refused = client.post(compose_url(activity), data)
    assert refused.status_code == 200
    assert "Post it anyway" in refused.content.decode()
    assert "100% the same as the suggested text" in refused.content.decode()
    assert not Post.objects.exists()

    accepted = client.post(compose_url(activity), {**data, "acknowledge_similarity": "on"})
    assert accepted.status_code == 302
    assert Post.objects.count() == 1


def test_block_mode_refuses_even_with_the_checkbox(participant, activity, login) -> None:
    advocacy = advocacy_settings_for(organisation=participant.organisation)
    advocacy.duplicate_guard = DuplicateGuardMode.BLOCK
    advocacy.save()

    response = login(participant).post(
        compose_url(activity),
        {
            "account": participant.connected_accounts.get().pk,
            "text": SUGGESTION,
            "acknowledge_similarity": "on",
            "action": "approve",
        },
    )

    assert response.status_code == 200
    assert "change it before approving" in response.content.decode()
    assert not Post.objects.exists()


def test_x_always_blocks_copies(participant, activity, login) -> None:
    x_account = make_account(participant, network="x")

    response = login(participant).post(
        compose_url(activity),
        {
            "account": x_account.pk,
            "text": SUGGESTION[:150],
            "acknowledge_similarity": "on",
            "action": "approve",
        },
    )

    assert "X does not allow near-identical posts" in response.content.decode()
    assert not Post.objects.exists()


def test_approve_and_post_now_publishes(
    participant, activity, login, django_capture_on_commit_callbacks
) -> None:
    outbox = make_account(participant, network="outbox")

    with django_capture_on_commit_callbacks(execute=True):
        response = login(participant).post(
            compose_url(activity),
            {"account": outbox.pk, "text": "Right now, my words.", "action": "post_now"},
        )

    assert response.status_code == 302
    post = Post.objects.get()
    assert post.state == PostState.PUBLISHED
    assert OutboxPost.objects.get().text == post.text
    assert "#employee" in OutboxPost.objects.get().text


def test_outside_the_programme_it_explains_instead(employee, activity, login) -> None:
    response = login(employee).get(compose_url(activity))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Join the programme to share posts." in page
    assert "<textarea" not in page


def test_without_accounts_it_links_to_them(employee, activity, login) -> None:
    services.join_programme(member=employee)

    page = login(employee).get(compose_url(activity)).content.decode()

    assert "Choose at least one connected account" in page
    assert 'href="/o/acme/accounts/"' in page


def test_a_pilot_activity_asks_for_feedback(participant, organisation, cast, teams, login):
    participant.teams.add(teams["Nordics"])
    pilot = make_activity(organisation, state=CampaignState.PILOT, offer=False)
    pilot.campaign.pilot_team = teams["Nordics"]
    pilot.campaign.save()
    from chorus.sharing.feed import offer_campaign

    offer_campaign(campaign=pilot.campaign, pilot=True)

    page = login(participant).get(compose_url(pilot)).content.decode()

    assert f"/o/acme/campaigns/{pilot.campaign_id}/pilot/" in page
    assert "<textarea" not in page


def test_a_like_is_done_on_the_network(participant, organisation, cast, login) -> None:
    like = make_activity(organisation, kind=ActivityKind.LIKE)

    page = login(participant).get(compose_url(like)).content.decode()

    assert "do it on the network itself" in page
    assert 'href="https://social.test/p/1"' in page


def test_editing_a_post_approves_its_new_text(participant, activity, login) -> None:
    account = participant.connected_accounts.get()
    post = make_post(participant, account, activity, text="Old words of mine, approved.")
    url = compose_url(activity) + f"?post={post.pk}"
    client = login(participant)

    page = client.get(url).content.decode()
    assert "Old words of mine, approved.</textarea>" in page

    response = client.post(url, {"text": "Better words, freshly mine.", "action": "approve"})

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.text.startswith("Better words, freshly mine.")
    assert post.text_is_as_approved
    assert Post.objects.count() == 1


def test_another_members_post_cannot_be_edited(participant, activity, content_manager, login):
    theirs = make_post(content_manager, make_account(content_manager), activity)

    response = login(participant).get(compose_url(activity) + f"?post={theirs.pk}")

    assert response.status_code == 404


def test_an_activity_outside_ones_feed_is_404(participant, organisation, login) -> None:
    hidden = make_activity(organisation, offer=False)

    assert login(participant).get(compose_url(hidden)).status_code == 404


def test_a_draft_campaigns_activity_is_404(participant, organisation, cast, login) -> None:
    draft = make_activity(organisation)
    draft.campaign.state = CampaignState.DRAFT
    draft.campaign.save()

    assert login(participant).get(compose_url(draft)).status_code == 404


def test_outsiders_get_404(outsider, activity, login) -> None:
    client = login(outsider)

    assert client.get(compose_url(activity)).status_code == 404
    assert client.post(compose_url(activity), {"text": "x", "action": "approve"}).status_code == 404
    assert client.post(preview_url(activity), {"text": "x"}).status_code == 404
    assert not Post.objects.exists()
