"""The composer page offers a delegate the company account, and approves a post to it."""

from chorus.publishing.models import Post
from chorus.register import services
from chorus.register.tests.conftest import company_page, entry_of
from chorus.sharing import services as sharing
from chorus.sharing.tests.conftest import make_activity

COMPOSE = "/o/acme/share/activities/{}/"


def test_a_delegate_picks_the_company_account_in_the_composer(admin, employee, login):
    page = company_page(admin)
    activity = make_activity(admin.organisation)
    sharing.join_programme(member=employee)
    services.grant_delegation(by=admin, entry=entry_of(page), member=employee, level="publish")
    client = login(employee)

    form = client.get(COMPOSE.format(activity.pk)).content.decode()
    response = client.post(
        COMPOSE.format(activity.pk),
        {"account": page.pk, "text": "Proud of the team.", "action": "approve"},
    )

    assert "@acme-news" in form
    assert response.status_code == 302
    post = Post.objects.get()
    assert (post.member, post.account) == (employee, page)


def test_a_colleague_without_delegation_is_not_offered_it(admin, employee, login):
    page = company_page(admin)
    activity = make_activity(admin.organisation)
    sharing.join_programme(member=employee)
    client = login(employee)

    form = client.get(COMPOSE.format(activity.pk)).content.decode()
    client.post(
        COMPOSE.format(activity.pk),
        {"account": page.pk, "text": "Proud of the team.", "action": "approve"},
    )

    assert "@acme-news" not in form
    assert not Post.objects.exists()
