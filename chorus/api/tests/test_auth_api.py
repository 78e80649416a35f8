"""Who a request acts as: only a usable token's active member, in the token's organisation."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from chorus.accounts.models import User
from chorus.api import services
from chorus.api.models import ApiToken
from chorus.api.tests.conftest import Api, make_account, make_live_activity
from chorus.audit.models import AuditEvent
from chorus.campaigns.models import Campaign, CampaignState
from chorus.notifications.models import Notification, NotificationKind
from chorus.orgs import services as org_services
from chorus.orgs.models import Membership, Organisation
from chorus.orgs.roles import Role
from chorus.publishing.models import Post, PostState, text_fingerprint
from chorus.rallies import services as rally_services
from chorus.sharing import services as sharing_services


def _assert_unauthorised(response: Any) -> None:
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in response.json()["detail"]


def test_no_token_gives_401(employee):
    _assert_unauthorised(Api(None).get("/me"))


@pytest.mark.parametrize(
    "header", ["Bearer", "Bearer chorus_wrong", "Basic dXNlcjpwYXNz", "chorus_x"]
)
def test_a_wrong_token_gives_401(employee, header):
    services.create_token(by=employee, name="Real")
    client = Api(None)
    client.client.defaults["HTTP_AUTHORIZATION"] = header

    _assert_unauthorised(client.get("/me"))


def test_a_revoked_token_gives_401(employee):
    created = services.create_token(by=employee, name="Script")
    services.revoke_token(by=employee, token=created.token)

    _assert_unauthorised(Api(created.secret).get("/me"))


def test_an_expired_token_gives_401(employee):
    created = services.create_token(
        by=employee, name="Script", expires_at=timezone.now() + timedelta(days=1)
    )
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    _assert_unauthorised(Api(created.secret).get("/me"))


def test_a_deactivated_members_token_gives_401_and_changes_nothing(employee, owner):
    created = services.create_token(by=employee, name="Script")
    org_services.deactivate_member(by=owner, member=employee)
    client = Api(created.secret)

    _assert_unauthorised(client.get("/me"))
    _assert_unauthorised(client.post("/programme/join"))
    assert not employee.consents.exists()


def test_a_deactivated_users_token_gives_401(employee):
    created = services.create_token(by=employee, name="Script")
    User.objects.filter(pk=employee.user_id).update(is_active=False)

    _assert_unauthorised(Api(created.secret).get("/me"))


def test_a_usable_token_acts_as_its_member_and_notes_the_use(employee, api):
    response = api(employee).get("/me")

    assert response.status_code == 200
    assert response.json() == {
        "member_id": employee.pk,
        "name": "Erin Employee",
        "email": "erin.employee@acme.test",
        "role": "employee",
        "language": "en",
        "time_zone": "UTC",
        "organisation": {"slug": "acme", "name": "Acme Ltd"},
    }
    assert ApiToken.objects.get().last_used_at is not None


def test_a_logged_in_browser_session_is_no_api_credential(employee, login):
    response = login(employee).get("/api/v1/me")

    assert response.status_code == 401


def test_writes_need_no_csrf_token(employee, api):
    # The client enforces CSRF checks and sends no cookie: the bearer token is all there is.
    response = api(employee).post("/programme/join")

    assert response.status_code == 200
    assert employee.consents.filter(left_at__isnull=True).exists()


def test_owners_and_admins_need_two_factor_authentication_for_the_api_too(organisation):
    user = User.objects.create_user("new.admin@acme.test", "x-unused-password-1")
    admin = Membership.objects.create(organisation=organisation, user=user, role=Role.ADMIN)
    created = services.create_token(by=admin, name="Script")

    response = Api(created.secret).get("/me")

    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]


def test_error_messages_follow_the_members_language(employee, api):
    User.objects.filter(pk=employee.user_id).update(language="de")
    employee.refresh_from_db()

    response = api(employee).get("/me")

    assert response["Content-Language"] == "de"


# Tenant isolation: a token of another organisation reaches nothing of acme's.


@pytest.fixture
def acme_objects(organisation, content_manager, employee, teams):
    employee.teams.add(teams["Sales"])
    campaign = Campaign.objects.create(
        organisation=organisation, name="Spring", languages=["en"], networks=["outbox"]
    )
    activity = make_live_activity(organisation, kind="own_post", title="Rally me")
    suggestion = activity.suggestions.get()
    pilot = Campaign.objects.create(
        organisation=organisation,
        name="Pilot",
        languages=["en"],
        state=CampaignState.PILOT,
        pilot_team=teams["Sales"],
    )
    sharing_services.join_programme(member=employee)
    account = make_account(employee)
    text = "My own words"
    post = Post.objects.create(
        organisation=organisation,
        member=employee,
        account=account,
        network="outbox",
        activity=activity,
        text=text,
        approved_text_sha256=text_fingerprint(text),
        state=PostState.APPROVED,
    )
    deadline = timezone.now() + timedelta(days=1)
    rally = rally_services.create_rally(
        by=content_manager,
        activity=activity,
        title="Rally",
        goal_pledges=2,
        deadline=deadline,
        window_starts_at=deadline,
        window_ends_at=deadline + timedelta(hours=2),
    )
    pledge = rally_services.pledge(
        member=employee, rally=rally, account=account, text="Why I take part, in my words"
    )
    notification = Notification.objects.create(
        member=employee, kind=NotificationKind.POST_PUBLISHED
    )
    return {
        "campaign": campaign.pk,
        "activity": activity.pk,
        "suggestion": suggestion.pk,
        "pilot": pilot.pk,
        "account": account.pk,
        "post": post.pk,
        "rally": rally.pk,
        "pledge": pledge.pk,
        "notification": notification.pk,
    }


ENDPOINTS = [
    ("get", "/campaigns/{campaign}", None),
    ("patch", "/campaigns/{campaign}", {"name": "Taken over"}),
    ("post", "/campaigns/{campaign}/clone", None),
    ("post", "/campaigns/{campaign}/archive", None),
    ("post", "/campaigns/{campaign}/submit", None),
    ("get", "/campaigns/{campaign}/reviews", None),
    ("get", "/campaigns/{campaign}/activities", None),
    ("post", "/campaigns/{campaign}/activities", {"kind": "own_post", "title": "x", "topic": "x"}),
    ("post", "/campaigns/{pilot}/pilot-feedback", {"reaction": "negative"}),
    ("get", "/activities/{activity}", None),
    ("patch", "/activities/{activity}", {"title": "Taken over"}),
    ("delete", "/activities/{activity}", None),
    ("get", "/activities/{activity}/suggestions", None),
    ("post", "/activities/{activity}/suggestions", {"language": "en", "text": "x"}),
    ("get", "/suggestions/{suggestion}", None),
    ("patch", "/suggestions/{suggestion}", {"text": "Taken over"}),
    ("delete", "/suggestions/{suggestion}", None),
    ("get", "/accounts/{account}", None),
    ("patch", "/accounts/{account}", {"takes_part": False}),
    ("post", "/accounts/{account}/disconnect", None),
    ("post", "/accounts/{account}/reconnect", None),
    ("post", "/feed/{activity}/skip", None),
    ("get", "/compose/{activity}", None),
    ("post", "/compose/{activity}/check", {"account_id": "{account}", "text": "x"}),
    ("post", "/compose/{activity}/approve", {"account_id": "{account}", "text": "Mine"}),
    ("get", "/posts/{post}", None),
    ("patch", "/posts/{post}", {"text": "Taken over"}),
    ("post", "/posts/{post}/cancel", None),
    ("post", "/posts/{post}/post-now", None),
    ("post", "/posts/{post}/retry", None),
    ("post", "/posts/{post}/move", {"when": "2030-01-01T10:00:00Z"}),
    ("post", "/posts/spread", {"post_ids": ["{post}"]}),
    ("get", "/rallies/{rally}", None),
    ("post", "/rallies/{rally}/pledge", {"account_id": "{account}", "text": "x"}),
    ("post", "/rallies/{rally}/cancel", None),
    ("post", "/pledges/{pledge}/withdraw", None),
    ("post", "/notifications/{notification}/read", None),
    ("put", "/programme/accounts", {"account_ids": ["{account}"]}),
    (
        "post",
        "/rallies",
        {
            "activity_id": "{activity}",
            "title": "x",
            "goal_pledges": 1,
            "deadline": "2030-01-01T10:00:00Z",
            "window_starts_at": "2030-01-01T10:00:00Z",
            "window_ends_at": "2030-01-01T12:00:00Z",
        },
    ),
]


def _fill(value: Any, ids: dict[str, int]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, list):
        return [_fill(item, ids) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, ids) for key, item in value.items()}
    return value


def _state(organisation: Organisation) -> dict[str, Any]:
    return {
        "campaigns": sorted(Campaign.objects.values_list("pk", "name", "state")),
        "posts": sorted(Post.objects.values_list("pk", "state", "text")),
        "audit": AuditEvent.objects.count(),
        "read": Notification.objects.filter(read_at__isnull=False).count(),
        "feed": sorted(organisation.memberships.values_list("feed_entries__state", flat=True)),
    }


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_a_token_of_another_organisation_gets_404_for_acme_objects(
    method, path, body, outsider, organisation, acme_objects, api
):
    sharing_services.join_programme(member=outsider)
    make_account(outsider)
    client = api(outsider)
    before = _state(organisation)

    url = path.format(**acme_objects)
    if method in ("get", "delete"):
        response = getattr(client, method)(url)
    else:
        response = getattr(client, method)(url, _fill(body, acme_objects))

    assert response.status_code == 404, response.content
    assert response.json() == {"detail": "Not found."}
    assert _state(organisation) == before


def test_lists_show_nothing_of_another_organisation(outsider, organisation, acme_objects, api):
    client = api(outsider)

    for path in ("/campaigns", "/accounts", "/posts", "/rallies", "/notifications"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.json()["total"] == 0, path
