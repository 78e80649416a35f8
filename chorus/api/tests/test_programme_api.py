"""Joining and leaving the programme, and choosing the accounts that take part."""

from chorus.api.tests.conftest import make_account, make_live_activity
from chorus.networks.models import ConnectedAccount
from chorus.publishing.models import Post, PostState
from chorus.sharing import services as sharing_services
from chorus.sharing.models import AdvocacySettings, ProgrammeConsent


def test_status_before_joining(employee, api):
    body = api(employee).get("/programme").json()

    assert body["participant"] is False
    assert body["joined_at"] is None
    assert body["terms_version"] == 1
    assert "leaving cancels every post" in body["terms"]


def test_joining_records_the_consent_with_the_terms(employee, api):
    response = api(employee).post("/programme/join")

    assert response.status_code == 200
    consent = ProgrammeConsent.objects.get(member=employee)
    assert response.json()["participant"] is True
    assert response.json()["agreed_terms_version"] == consent.terms_version
    assert "leaving cancels every post" in consent.terms_text


def test_joining_twice_is_refused(employee, api):
    client = api(employee)
    client.post("/programme/join")

    response = client.post("/programme/join")

    assert response.status_code == 422
    assert response.json() == {
        "errors": {"__all__": ["You are already taking part in the programme."]}
    }
    assert ProgrammeConsent.objects.count() == 1


def test_changed_terms_are_shown(employee, api):
    client = api(employee)
    client.post("/programme/join")
    AdvocacySettings.objects.filter(organisation=employee.organisation).update(
        programme_terms_version=2
    )

    assert client.get("/programme").json()["terms_changed"] is True


def test_leaving_cancels_what_has_not_gone_out_and_lists_it(employee, organisation, api):
    client = api(employee)
    client.post("/programme/join")
    account = make_account(employee)
    activity = make_live_activity(organisation)
    post = sharing_services.approve_post(
        member=employee, activity=activity, account=account, text="My own words on the tiles"
    )

    response = client.post("/programme/leave")

    assert response.status_code == 200
    body = response.json()
    assert [p["id"] for p in body["cancelled_posts"]] == [post.pk]
    assert body["cancelled_posts"][0]["cancelled_reason"] == "You left the programme."
    assert [a["id"] for a in body["withdrawn_accounts"]] == [account.pk]
    assert Post.objects.get().state == PostState.CANCELLED
    assert ConnectedAccount.objects.get().takes_part is False
    assert ProgrammeConsent.objects.get().left_at is not None


def test_leaving_without_having_joined_is_refused(employee, api):
    response = api(employee).post("/programme/leave")

    assert response.status_code == 422
    assert response.json() == {"errors": {"__all__": ["You are not taking part in the programme."]}}


def test_choosing_accounts(employee, api):
    client = api(employee)
    client.post("/programme/join")
    chosen = make_account(employee, takes_part=False)
    dropped = make_account(employee, takes_part=True)

    response = client.put("/programme/accounts", {"account_ids": [chosen.pk]})

    assert response.status_code == 200, response.content
    body = response.json()
    assert [a["id"] for a in body["chosen"]] == [chosen.pk]
    assert [a["id"] for a in body["unchosen"]] == [dropped.pk]
    chosen.refresh_from_db()
    dropped.refresh_from_db()
    assert (chosen.takes_part, dropped.takes_part) == (True, False)


def test_choosing_accounts_needs_the_programme_first(employee, api):
    account = make_account(employee, takes_part=False)

    response = api(employee).put("/programme/accounts", {"account_ids": [account.pk]})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["account_ids"]
    account.refresh_from_db()
    assert account.takes_part is False


def test_nobody_chooses_a_colleagues_account(employee, admin, api):
    api(employee).post("/programme/join")
    colleagues = make_account(admin, takes_part=False)

    response = api(employee).put("/programme/accounts", {"account_ids": [colleagues.pk]})

    assert response.status_code == 404
    colleagues.refresh_from_db()
    assert colleagues.takes_part is False
