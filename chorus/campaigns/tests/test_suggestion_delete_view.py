"""Deleting a suggested text."""

from chorus.campaigns.models import Suggestion
from chorus.campaigns.tests.conftest import add_share_link


def delete_url(suggestion) -> str:
    org = suggestion.activity.campaign.organisation.slug
    return f"/o/{org}/campaigns/suggestions/{suggestion.pk}/delete/"


def test_delete(campaign, content_manager, login):
    suggestion = add_share_link(campaign, content_manager).suggestions.get()

    response = login(content_manager).post(delete_url(suggestion), follow=True)

    assert "Suggestion deleted." in response.content.decode()
    assert not Suggestion.objects.exists()


def test_not_in_draft(in_review, content_manager, login):
    suggestion = Suggestion.objects.get(activity__campaign=in_review)

    login(content_manager).post(delete_url(suggestion))

    assert Suggestion.objects.filter(pk=suggestion.pk).exists()


def test_get_reviewer_outsider(campaign, content_manager, reviewer, outsider, login):
    suggestion = add_share_link(campaign, content_manager).suggestions.get()

    assert login(content_manager).get(delete_url(suggestion)).status_code == 405
    assert login(reviewer).post(delete_url(suggestion)).status_code == 403
    assert login(outsider).post(delete_url(suggestion)).status_code == 404
    assert Suggestion.objects.filter(pk=suggestion.pk).exists()
