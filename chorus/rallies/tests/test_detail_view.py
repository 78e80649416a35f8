import html
from datetime import UTC, datetime

import pytest
from django.http import HttpResponse

from chorus.networks.models import ConnectedAccount
from chorus.publishing.models import Post, PostState
from chorus.rallies import services
from chorus.rallies.models import Pledge, Rally
from chorus.rallies.tests.helpers import (
    SUGGESTION,
    connect,
    join,
    live_activity,
    open_rally,
    own_words,
    pledge_own_words,
    tracked_link_of,
)
from chorus.sharing.models import AdvocacySettings, DuplicateGuardMode

pytestmark = pytest.mark.django_db


def url(rally: Rally, org: str = "acme") -> str:
    return f"/o/{org}/rallies/{rally.pk}/"


@pytest.fixture
def account(employee):
    join(employee)
    return connect(employee)


def page(response: HttpResponse) -> str:
    return html.unescape(response.content.decode())


def test_shows_the_call_progress_and_a_form_starting_from_the_suggestion(
    login, employee, account, rally
):
    content = page(login(employee).get(url(rally)))

    assert "Welcome Helsinki" in content
    assert "Tell your network why the new office matters to you." in content
    assert '<progress max="3" value="0"' in content
    assert "0 of 3 pledges" in content
    assert f">\n{SUGGESTION}</textarea>" in content
    # The exact text that would go out, disclosure and link included, before pledging.
    assert (
        f'<blockquote class="rally-post-preview">{SUGGESTION}\n'
        f"{tracked_link_of(account, rally.activity)}\n\n#employee</blockquote>"
    ) in content
    assert 'aria-live="polite"' in content


def test_the_suggestion_for_the_chosen_network_is_offered(login, employee, account, rally):
    x = connect(employee, network="x")

    content = page(login(employee).get(url(rally) + f"?account={x.pk}"))

    assert ">\nHelsinki office is open!</textarea>" in content
    assert f'<option value="{x.pk}" selected>' in content


def test_pledging_creates_the_pledge(login, employee, account, rally):
    response = login(employee).post(
        url(rally), {"account": account.pk, "text": own_words(1)}, follow=True
    )

    pledge = Pledge.objects.get()
    assert (pledge.member, pledge.account, pledge.rally) == (employee, account, rally)
    content = page(response)
    assert "You pledged." in content
    assert "1 of 3 pledges" in content
    assert "Your pledges" in content
    assert f"/o/acme/rallies/pledges/{pledge.pk}/withdraw/" in content


def test_preview_shows_the_final_text_without_pledging(login, employee, account, rally):
    response = login(employee).post(
        url(rally), {"account": account.pk, "text": "Just my words", "preview": "1"}
    )

    assert response.status_code == 200
    link = tracked_link_of(account, rally.activity)
    assert f"Just my words\n{link}\n\n#employee</blockquote>" in page(response)
    assert not Pledge.objects.exists()


def test_htmx_preview_returns_the_page_for_the_preview_region(login, employee, account, rally):
    response = login(employee).post(
        url(rally),
        {"account": account.pk, "text": "a" * 480, "preview": "1"},
        headers={"HX-Request": "true"},
    )

    content = page(response)
    assert 'id="pledge-preview-body"' in content
    assert "characters too long." in content
    assert not Pledge.objects.exists()


def test_too_long_is_refused_with_the_text_kept(login, employee, account, rally):
    response = login(employee).post(url(rally), {"account": account.pk, "text": "b" * 480})

    content = page(response)
    assert "characters too long for Development outbox" in content
    assert "b" * 480 in content
    assert not Pledge.objects.exists()


def test_a_near_copy_is_warned_about_and_can_be_acknowledged(login, employee, account, rally):
    client = login(employee)

    response = client.post(url(rally), {"account": account.pk, "text": SUGGESTION})

    content = page(response)
    assert "the same as the suggested text" in content
    assert 'name="acknowledge_similarity"' in content
    assert not Pledge.objects.exists()

    client.post(
        url(rally), {"account": account.pk, "text": SUGGESTION, "acknowledge_similarity": "on"}
    )
    assert Pledge.objects.count() == 1


def test_block_mode_offers_no_acknowledgement(login, employee, account, rally, organisation):
    AdvocacySettings.objects.create(
        organisation=organisation, duplicate_guard=DuplicateGuardMode.BLOCK
    )

    response = login(employee).post(
        url(rally), {"account": account.pk, "text": SUGGESTION, "acknowledge_similarity": "on"}
    )

    content = page(response)
    assert "the same as the suggested text" in content
    assert 'name="acknowledge_similarity"' not in content
    assert not Pledge.objects.exists()


def test_someone_elses_account_is_not_a_choice(login, employee, account, rally, reviewer):
    others = connect(reviewer)

    response = login(employee).post(url(rally), {"account": others.pk, "text": own_words(1)})

    assert "Select a valid choice" in page(response)
    assert not Pledge.objects.exists()


def test_not_in_the_programme_sees_why_and_no_form(login, employee, rally):
    connect(employee)

    content = page(login(employee).get(url(rally)))

    assert "Only members of the advocacy programme can pledge." in content
    assert "<textarea" not in content


def test_without_an_account_that_takes_part(login, employee, rally):
    join(employee)
    connect(employee, takes_part=False)

    content = page(login(employee).get(url(rally)))

    assert "You have no account that can pledge here." in content
    assert "<textarea" not in content


def test_a_late_post_shows_the_service_error(login, employee, account, rally):
    Rally.objects.filter(pk=rally.pk).update(state="missed")

    response = login(employee).post(url(rally), {"account": account.pk, "text": own_words(1)})

    assert "This rally no longer takes pledges." in page(response)
    assert not Pledge.objects.exists()


def test_fired_rally_shows_when_each_post_goes_out_in_the_members_time(
    login, employee, account, rally, start
):
    employee.user.time_zone = "Europe/Helsinki"
    employee.user.save()
    Rally.objects.filter(pk=rally.pk).update(goal_pledges=1)
    pledge = pledge_own_words(employee, account, rally, seed=1, at=start)
    services.resolve_due_rallies(now=rally.deadline)
    Post.objects.filter(pk=pledge.post_id).update(
        scheduled_for=datetime(2030, 1, 15, 10, 30, tzinfo=UTC)
    )

    content = page(login(employee).get(url(rally)))

    assert "The goal was reached." in content
    assert "Goes out Jan. 15, 2030, 12:30 p.m." in content
    assert "Withdraw pledge" not in content
    assert "<textarea" not in content


def test_missed_rally_says_nothing_was_posted(login, employee, account, rally, start):
    pledge_own_words(employee, account, rally, seed=1, at=start)
    services.resolve_due_rallies(now=rally.deadline)

    content = page(login(employee).get(url(rally)))

    assert "nothing was posted" in content
    assert "Not posted" in content
    assert Post.objects.get().state == PostState.CANCELLED


def test_a_rally_not_in_the_members_feed_is_404(
    login, employee, content_manager, organisation, start
):
    other = open_rally(by=content_manager, activity=live_activity(organisation), at=start)

    assert login(employee).get(url(other)).status_code == 404


def test_outsider_gets_404(login, outsider, rally):
    assert login(outsider).get(url(rally)).status_code == 404
    assert login(outsider).get(url(rally, org="globex")).status_code == 404
    assert login(outsider).post(url(rally, org="globex"), {"text": "x"}).status_code == 404
    assert not ConnectedAccount.objects.filter(member__organisation__slug="acme").exists()
