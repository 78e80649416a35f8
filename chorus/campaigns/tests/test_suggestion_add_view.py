"""Adding a suggested text to an activity."""

from chorus.campaigns.models import Suggestion
from chorus.campaigns.tests.conftest import add_share_link


def add_url(activity) -> str:
    org = activity.campaign.organisation.slug
    return f"/o/{org}/campaigns/activities/{activity.pk}/suggestions/new/"


def test_form_offers_the_campaigns_networks_and_languages(campaign, content_manager, login):
    activity = add_share_link(campaign, content_manager, with_suggestion=False)

    form = login(content_manager).get(add_url(activity)).context["form"]

    assert [value for value, _ in form.fields["network"].choices] == ["", "linkedin", "x"]
    assert [value for value, _ in form.fields["language"].choices] == ["en", "de"]


def test_add(campaign, content_manager, login):
    activity = add_share_link(campaign, content_manager, with_suggestion=False)

    response = login(content_manager).post(
        add_url(activity), {"network": "x", "language": "de", "text": "Frühling!"}
    )

    assert response.status_code == 302
    assert list(Suggestion.objects.values_list("network", "language", "text")) == [
        ("x", "de", "Frühling!")
    ]


def test_duplicate_is_explained(campaign, content_manager, login):
    activity = add_share_link(campaign, content_manager)

    response = login(content_manager).post(
        add_url(activity), {"network": "", "language": "en", "text": "Another"}
    )

    assert response.status_code == 200
    assert "already has a suggestion for this network and language" in response.content.decode()
    assert "Another</textarea>" in response.content.decode()
    assert Suggestion.objects.count() == 1


def test_language_outside_the_campaign_is_refused(campaign, content_manager, login):
    activity = add_share_link(campaign, content_manager, with_suggestion=False)

    response = login(content_manager).post(
        add_url(activity), {"network": "", "language": "fi", "text": "Hei"}
    )

    assert response.status_code == 200
    assert not Suggestion.objects.exists()


def test_reviewer_403_outsider_404(campaign, content_manager, reviewer, outsider, login):
    activity = add_share_link(campaign, content_manager, with_suggestion=False)
    data = {"network": "", "language": "en", "text": "Hi"}

    assert login(reviewer).post(add_url(activity), data).status_code == 403
    assert login(outsider).post(add_url(activity), data).status_code == 404
    assert not Suggestion.objects.exists()
