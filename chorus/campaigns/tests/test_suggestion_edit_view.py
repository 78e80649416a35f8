"""Editing a suggested text."""

from chorus.campaigns.models import Suggestion
from chorus.campaigns.tests.conftest import add_share_link


def edit_url(suggestion) -> str:
    org = suggestion.activity.campaign.organisation.slug
    return f"/o/{org}/campaigns/suggestions/{suggestion.pk}/"


def test_edit(campaign, content_manager, login):
    suggestion = add_share_link(campaign, content_manager).suggestions.get()
    client = login(content_manager)
    assert (
        "Our spring release is out!</textarea>" in client.get(edit_url(suggestion)).content.decode()
    )

    response = client.post(
        edit_url(suggestion), {"network": "linkedin", "language": "en", "text": "Updated"}
    )

    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.network, suggestion.text) == ("linkedin", "Updated")


def test_not_in_draft(in_review, content_manager, login):
    suggestion = Suggestion.objects.get(activity__campaign=in_review)

    response = login(content_manager).post(
        edit_url(suggestion), {"network": "", "language": "en", "text": "Late"}
    )

    assert response.status_code == 302
    assert Suggestion.objects.get(pk=suggestion.pk).text == "Our spring release is out!"


def test_reviewer_403_outsider_404(campaign, content_manager, reviewer, outsider, login):
    suggestion = add_share_link(campaign, content_manager).suggestions.get()
    data = {"network": "", "language": "en", "text": "Hijacked"}

    assert login(reviewer).post(edit_url(suggestion), data).status_code == 403
    assert login(outsider).post(edit_url(suggestion), data).status_code == 404
    assert Suggestion.objects.get(pk=suggestion.pk).text == "Our spring release is out!"
