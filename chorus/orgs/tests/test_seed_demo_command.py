import io
import re
from collections import Counter

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import CommandError, call_command
from django.db.models import QuerySet
from django.test import Client

from chorus.accounts.models import User
from chorus.orgs.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from chorus.orgs.models import Membership, Organisation
from chorus.orgs.roles import TWO_FACTOR_ROLES, Role

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def demo_members() -> QuerySet[Membership]:
    return Membership.objects.filter(organisation__slug="demo").select_related("user")


def test_creates_one_person_per_role_and_twelve_employees():
    seed()
    organisation = Organisation.objects.get(slug="demo")
    assert organisation.name == "Demo Company"
    roles: Counter[str] = Counter(demo_members().values_list("role", flat=True))
    assert roles == {
        Role.OWNER: 1,
        Role.ADMIN: 1,
        Role.CONTENT_MANAGER: 1,
        Role.REVIEWER: 1,
        Role.RESPONDER: 1,
        Role.EMPLOYEE: 12,
    }
    users = [member.user for member in demo_members()]
    assert all(user.check_password(DEMO_PASSWORD) for user in users)
    assert {user.language for user in users} == {"en", "de", "fi", "pl", "cy"}
    assert len({user.time_zone for user in users}) >= 5
    assert all(user.full_name and " " in user.full_name for user in users)


def test_teams_have_members_and_some_people_are_in_two():
    seed()
    organisation = Organisation.objects.get(slug="demo")
    teams = {team.name: team.members.count() for team in organisation.teams.all()}
    assert set(teams) == {"Sales", "Engineering", "Customer Success"}
    assert all(count >= 3 for count in teams.values())
    team_counts = [member.teams.count() for member in demo_members()]
    assert team_counts.count(2) >= 2
    assert all(team.organisation == organisation for m in demo_members() for team in m.teams.all())


def test_only_owners_and_admins_have_authenticators():
    seed()
    for member in demo_members():
        has_totp = Authenticator.objects.filter(
            user=member.user, type=Authenticator.Type.TOTP
        ).exists()
        assert has_totp == (member.role in TWO_FACTOR_ROLES), member.user.email


def test_prints_logins_password_login_url_and_secret(settings):
    settings.SITE_URL = "https://chorus.example.org"
    output = seed()
    assert "https://chorus.example.org/accounts/login/" in output
    assert DEMO_PASSWORD in output
    assert DEMO_TOTP_SECRET in output
    assert "demo_totp_code" in output
    for member in demo_members():
        line = next(line for line in output.splitlines() if member.user.email in line)
        assert member.get_role_display() in line
        assert DEMO_PASSWORD in line


def test_if_empty_does_nothing_when_an_organisation_exists():
    seed("--if-empty")
    users = User.objects.count()
    output = seed("--if-empty")
    assert "no demo data created" in output
    assert Organisation.objects.count() == 1
    assert User.objects.count() == users


def test_if_empty_leaves_other_organisations_alone(organisation):
    output = seed("--if-empty")
    assert "no demo data created" in output
    assert not Organisation.objects.filter(slug="demo").exists()


def test_seeding_twice_without_if_empty_is_refused():
    seed()
    with pytest.raises(CommandError, match="exists already"):
        seed()
    assert demo_members().count() == 17


def totp_code_for(email: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("demo_totp_code", email, stdout=out, stderr=err)
    assert "seconds" in err.getvalue()
    return out.getvalue().strip()


def test_printed_totp_code_validates():
    output = seed()
    hint = re.search(r"demo_totp_code (\S+)", output)
    assert hint is not None, output
    email = hint.group(1)
    code = totp_code_for(email)
    assert re.fullmatch(r"\d{6}", code)
    assert pyotp.TOTP(DEMO_TOTP_SECRET).verify(code, valid_window=1)
    authenticator = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)
    assert TOTP(authenticator).validate_code(code)


def test_demo_admin_logs_in_with_password_and_printed_code():
    seed()
    admin = demo_members().get(role=Role.ADMIN).user
    client = Client()
    response = client.post("/accounts/login/", {"login": admin.email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code_for(admin.email)})
    assert response.status_code == 302
    assert client.get("/o/demo/people/").status_code == 200


def test_totp_code_is_only_for_demo_accounts_with_an_authenticator(admin):
    seed()
    employee = demo_members().filter(role=Role.EMPLOYEE)[0].user
    for email in (employee.email, admin.user.email, "nobody@example.com"):
        with pytest.raises(CommandError, match="No member"):
            totp_code_for(email)


@pytest.mark.django_db
def test_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="CHORUS_ENV=production"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not Organisation.objects.exists()


def test_a_reviewed_campaign_is_live_and_some_employees_take_part(
    django_capture_on_commit_callbacks,
):
    from chorus.campaigns.models import Campaign, CampaignState
    from chorus.networks.models import ConnectedAccount
    from chorus.sharing.models import FeedEntry, ProgrammeConsent

    with django_capture_on_commit_callbacks(execute=True):
        seed()

    campaign = Campaign.objects.get(organisation__slug="demo")
    assert campaign.state == CampaignState.LIVE
    reviewer = campaign.reviews.get().reviewer
    assert reviewer is not None
    assert reviewer.user.full_name == "Jonas Becker"
    members = demo_members().count()
    assert FeedEntry.objects.filter(campaign=campaign).count() == members * 2
    participants = ProgrammeConsent.objects.filter(member__organisation__slug="demo")
    assert participants.count() == 4
    accounts = ConnectedAccount.objects.filter(organisation__slug="demo", network="outbox")
    assert sorted(a.takes_part for a in accounts) == [True] * 4
