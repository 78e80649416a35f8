"""The cast: one person per role in one organisation, and an outsider organisation."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings as django_settings
from django.test import Client

from chorus.accounts.models import User
from chorus.orgs.models import Membership, Organisation, Team
from chorus.orgs.roles import TWO_FACTOR_ROLES, Role
from chorus.testing.smtp import SMTPServer
from chorus.testing.totp import fresh_code

PASSWORD = "correct horse battery staple"  # noqa: S105 (test accounts only)


def make_member(organisation: Organisation, role: str, email: str, name: str = "") -> Membership:
    user = User.objects.create_user(email, PASSWORD, full_name=name or email.split("@")[0].title())
    if role in TWO_FACTOR_ROLES:
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        user.totp_secret = secret  # type: ignore[attr-defined]
    return Membership.objects.create(organisation=organisation, user=user, role=role)


def totp_code(user: User) -> str:
    return fresh_code(user.totp_secret)  # type: ignore[attr-defined]


@pytest.fixture
def organisation(db: None) -> Organisation:
    return Organisation.objects.create(name="Acme Ltd", slug="acme")


@pytest.fixture
def teams(organisation: Organisation) -> dict[str, Team]:
    return {
        name: Team.objects.create(organisation=organisation, name=name)
        for name in ("Sales", "Engineering", "Nordics")
    }


@pytest.fixture
def owner(organisation: Organisation) -> Membership:
    return make_member(organisation, Role.OWNER, "olivia.owner@acme.test", "Olivia Owner")


@pytest.fixture
def admin(organisation: Organisation) -> Membership:
    return make_member(organisation, Role.ADMIN, "adam.admin@acme.test", "Adam Admin")


@pytest.fixture
def content_manager(organisation: Organisation) -> Membership:
    return make_member(
        organisation, Role.CONTENT_MANAGER, "carla.content@acme.test", "Carla Content"
    )


@pytest.fixture
def reviewer(organisation: Organisation) -> Membership:
    return make_member(organisation, Role.REVIEWER, "rita.reviewer@acme.test", "Rita Reviewer")


@pytest.fixture
def responder(organisation: Organisation) -> Membership:
    return make_member(organisation, Role.RESPONDER, "ravi.responder@acme.test", "Ravi Responder")


@pytest.fixture
def employee(organisation: Organisation) -> Membership:
    return make_member(organisation, Role.EMPLOYEE, "erin.employee@acme.test", "Erin Employee")


@pytest.fixture
def other_organisation(db: None) -> Organisation:
    return Organisation.objects.create(name="Globex", slug="globex")


@pytest.fixture
def outsider(other_organisation: Organisation) -> Membership:
    """An owner of another organisation: powerful there, nobody here."""
    return make_member(other_organisation, Role.OWNER, "otto.outsider@globex.test", "Otto Outsider")


@pytest.fixture
def cast(
    owner: Membership,
    admin: Membership,
    content_manager: Membership,
    reviewer: Membership,
    responder: Membership,
    employee: Membership,
) -> dict[str, Membership]:
    return {
        Role.OWNER: owner,
        Role.ADMIN: admin,
        Role.CONTENT_MANAGER: content_manager,
        Role.REVIEWER: reviewer,
        Role.RESPONDER: responder,
        Role.EMPLOYEE: employee,
    }


@pytest.fixture
def login() -> Callable[[Membership], Client]:
    def log_in(member: Membership) -> Client:
        client = Client()
        client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return log_in


def smtp_mailers(port: int) -> dict[str, dict[str, object]]:
    """Mail settings that send through an SMTP server on loopback at ``port``."""
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 10},
        }
    }


@pytest.fixture
def smtp(settings: pytest.FixtureRequest) -> Iterator[SMTPServer]:
    """Route Chorus's email through a real SMTP server on loopback."""
    with SMTPServer() as server:
        settings.MAILERS = smtp_mailers(server.port)  # type: ignore[attr-defined]
        yield server


@pytest.fixture
def immediate_tasks(settings: pytest.FixtureRequest) -> None:
    """Run background tasks in-process as soon as they are enqueued."""
    settings.TASKS = {  # type: ignore[attr-defined]
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


@pytest.fixture
def snapshot() -> Callable[[Organisation], dict[str, object]]:
    """Everything an intruder could try to change in an organisation, to compare before/after."""

    def take(organisation: Organisation) -> dict[str, object]:
        organisation.refresh_from_db()
        return {
            "organisation": (
                organisation.name,
                organisation.default_language,
                organisation.default_time_zone,
            ),
            "members": sorted(
                (m.pk, m.user_id, m.role, m.is_active, tuple(sorted(t.pk for t in m.teams.all())))
                for m in organisation.memberships.all()
            ),
            "teams": sorted(organisation.teams.values_list("pk", "name", "description")),
            "invitations": sorted(
                organisation.invitations.values_list(
                    "pk", "email", "role", "revoked_at", "accepted_at"
                )
            ),
            "audit_events": organisation.audit_events.count(),
            "users": User.objects.count(),
        }

    return take


# Real Chromium against the live server (see chorus/testing/browser.py): the fixtures
# `chromium` and `browser`, and the hook that reports a failed browser test's pages.
from chorus.testing.browser import browser, chromium, pytest_runtest_makereport  # noqa: E402, F401

# A real AT Protocol PDS on loopback (see chorus/testing/pds.py): the fixture `pds`.
from chorus.testing.pds import pds  # noqa: E402, F401


@pytest.fixture(scope="session", autouse=True)
def static_root_exists() -> None:
    """WhiteNoise warns on every new request handler while the collected-files folder is
    missing; tests serve static files from the apps' folders, so an empty one will do."""
    Path(django_settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
