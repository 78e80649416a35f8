"""A demonstration organisation with one person per role and a dozen employees.

Every demo account shares one published password, and the owner and admin share one
published authenticator secret: the data is for trying Chorus out, never for real use.
"""

import time
import unicodedata
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.db import transaction

from chorus.accounts.models import User
from chorus.orgs.models import Membership, Organisation
from chorus.orgs.roles import TWO_FACTOR_ROLES, Role
from chorus.orgs.services import create_organisation, create_team

DEMO_ORGANISATION_NAME = "Demo Company"
DEMO_ORGANISATION_SLUG = "demo"
DEMO_PASSWORD = "chorus-demo-password"  # noqa: S105 - published on purpose
# Base32, 32 characters (20 bytes), as authenticator apps expect.
DEMO_TOTP_SECRET = "CHORUSDEMOSECRETFORTOTPONLYAAAAA"  # noqa: S105 - published on purpose

SALES, ENGINEERING, CUSTOMER_SUCCESS = "Sales", "Engineering", "Customer Success"
DEMO_TEAMS = {
    SALES: "Account executives and business development.",
    ENGINEERING: "Product, platform and developer relations.",
    CUSTOMER_SUCCESS: "Onboarding, support and renewals.",
}


@dataclass(frozen=True)
class DemoPerson:
    full_name: str
    role: str
    language: str
    time_zone: str
    teams: tuple[str, ...] = ()

    @property
    def email(self) -> str:
        ascii_name = unicodedata.normalize("NFKD", self.full_name).encode("ascii", "ignore")
        return ".".join(ascii_name.decode().lower().split()) + "@example.com"

    @property
    def uses_totp(self) -> bool:
        return self.role in TWO_FACTOR_ROLES


# The owner comes first: the organisation is created with them.
DEMO_PEOPLE = (
    DemoPerson("Morgan Ellis", Role.OWNER, "en", "Europe/London"),
    DemoPerson("Priya Raman", Role.ADMIN, "en", "Europe/London", (ENGINEERING,)),
    DemoPerson("Hannah Okafor", Role.CONTENT_MANAGER, "en", "America/New_York", (SALES,)),
    DemoPerson("Jonas Becker", Role.REVIEWER, "de", "Europe/Berlin", (CUSTOMER_SUCCESS,)),
    DemoPerson("Aino Lehtonen", Role.RESPONDER, "fi", "Europe/Helsinki", (CUSTOMER_SUCCESS,)),
    DemoPerson("Katarzyna Nowak", Role.EMPLOYEE, "pl", "Europe/Warsaw", (SALES,)),
    DemoPerson("Tomasz Wiśniewski", Role.EMPLOYEE, "pl", "Europe/Warsaw", (ENGINEERING,)),
    DemoPerson("Olga Zielińska", Role.EMPLOYEE, "pl", "Europe/Warsaw", (SALES, ENGINEERING)),
    DemoPerson("Rhys Llewellyn", Role.EMPLOYEE, "cy", "Europe/London", (SALES, CUSTOMER_SUCCESS)),
    DemoPerson("Carys Pritchard", Role.EMPLOYEE, "cy", "Europe/London", (ENGINEERING,)),
    DemoPerson("Lena Hoffmann", Role.EMPLOYEE, "de", "Europe/Berlin", (SALES,)),
    DemoPerson(
        "Felix Wagner", Role.EMPLOYEE, "de", "Europe/Vienna", (ENGINEERING, CUSTOMER_SUCCESS)
    ),
    DemoPerson("Mikko Korhonen", Role.EMPLOYEE, "fi", "Europe/Helsinki", (ENGINEERING,)),
    DemoPerson("Sanna Mäkinen", Role.EMPLOYEE, "fi", "Europe/Helsinki", (CUSTOMER_SUCCESS,)),
    DemoPerson("Daniel Kim", Role.EMPLOYEE, "en", "America/Chicago", (SALES,)),
    DemoPerson("Amara Mensah", Role.EMPLOYEE, "en", "Africa/Accra", (CUSTOMER_SUCCESS,)),
    DemoPerson("Sam Taylor", Role.EMPLOYEE, "en", "Australia/Sydney", (ENGINEERING,)),
)


class DemoAlreadySeeded(Exception):
    """The demo organisation, or one of its people, exists already."""


@dataclass(frozen=True)
class DemoOrganisation:
    organisation: Organisation
    people: tuple[DemoPerson, ...]
    password: str
    totp_secret: str


def seed_demo_organisation(
    *, password: str = DEMO_PASSWORD, totp_secret: str = DEMO_TOTP_SECRET
) -> DemoOrganisation:
    """Create the demo organisation, its teams and its people, all or nothing."""
    emails = [person.email for person in DEMO_PEOPLE]
    if Organisation.objects.filter(slug=DEMO_ORGANISATION_SLUG).exists():
        raise DemoAlreadySeeded(f"An organisation “{DEMO_ORGANISATION_SLUG}” exists already.")
    taken = User.objects.filter(email__in=emails).values_list("email", flat=True)
    if taken:
        raise DemoAlreadySeeded(f"Accounts exist already for: {', '.join(sorted(taken))}.")
    owner_person, *others = DEMO_PEOPLE
    with transaction.atomic():
        owner = _create_user(owner_person, password, totp_secret)
        organisation = create_organisation(
            name=DEMO_ORGANISATION_NAME, owner=owner, slug=DEMO_ORGANISATION_SLUG
        )
        organisation.default_time_zone = "Europe/London"
        organisation.save(update_fields=["default_time_zone"])
        by = Membership.objects.get(organisation=organisation, user=owner)
        teams = {
            name: create_team(by=by, name=name, description=description)
            for name, description in DEMO_TEAMS.items()
        }
        by.teams.set([teams[name] for name in owner_person.teams])
        for person in others:
            # People normally join through invitations; the demo skips the emails.
            membership = Membership.objects.create(
                organisation=organisation,
                user=_create_user(person, password, totp_secret),
                role=person.role,
            )
            membership.teams.set([teams[name] for name in person.teams])
        _seed_demo_content(organisation)
    return DemoOrganisation(
        organisation=organisation, people=DEMO_PEOPLE, password=password, totp_secret=totp_secret
    )


# Employees who already take part, each with a development outbox account.
DEMO_PARTICIPANTS = ("Katarzyna Nowak", "Rhys Llewellyn", "Lena Hoffmann", "Daniel Kim")


def _seed_demo_content(organisation: Organisation) -> None:
    """A live, reviewed campaign and a few employees in the programme, to try sharing at once."""
    from chorus.campaigns import services as campaigns
    from chorus.campaigns.models import ActivityKind
    from chorus.networks.services import connect_outbox_account
    from chorus.policies import selectors as policy_selectors
    from chorus.policies import services as policies
    from chorus.sharing.services import join_programme
    from chorus.training.services import add_starter_modules

    members = {
        m.user.full_name: m
        for m in Membership.objects.filter(organisation=organisation).select_related("user")
    }
    content_manager, reviewer = members["Hannah Okafor"], members["Jonas Becker"]
    campaign = campaigns.create_campaign(
        by=content_manager,
        name="Spring product launch",
        goal="Tell our networks about the new release, in our own words.",
        languages=["en", "de", "fi", "pl", "cy"],
        networks=["outbox", "bluesky", "mastodon", "linkedin"],
    )
    launch = campaigns.add_activity(
        by=content_manager,
        campaign=campaign,
        kind=ActivityKind.SHARE_LINK,
        title="Share the release announcement",
        link_url="https://example.com/blog/spring-release",
        link_title="Spring release: scheduling that fits your week",
        link_description="What is new, and why our customers asked for it.",
    )
    campaigns.add_suggestion(
        by=content_manager,
        activity=launch,
        language="en",
        text="Our spring release is out: scheduling that fits the way teams actually work.",
    )
    campaigns.add_activity(
        by=content_manager,
        campaign=campaign,
        kind=ActivityKind.OWN_POST,
        title="What does your team do differently since the release?",
        topic="How the release changed your team's week",
        talking_points="One concrete example\nWho it helped\nWhat you would improve next",
    )
    campaigns.submit_campaign(by=content_manager, campaign=campaign)
    campaigns.approve_campaign(by=reviewer, campaign=campaign, comment="Clear and honest.")
    campaigns.go_live(by=content_manager, campaign=campaign)
    owner = next(m for m in members.values() if m.role == Role.OWNER)
    policy = policies.publish_version(
        by=owner,
        text=policy_selectors.starter_text_for(organisation=organisation),
        summary="Our first social media policy.",
        major=True,
    ).version
    add_starter_modules(by=content_manager)
    for name in DEMO_PARTICIPANTS:
        member = members[name]
        policies.acknowledge(member=member, version=policy)
        join_programme(member=member)
        handle = member.user.email.split("@")[0]
        connect_outbox_account(by=member, handle=handle)


def _create_user(person: DemoPerson, password: str, totp_secret: str) -> User:
    user = User.objects.create_user(
        person.email,
        password,
        full_name=person.full_name,
        language=person.language,
        time_zone=person.time_zone,
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if person.uses_totp:
        TOTP.activate(user, totp_secret)
        RecoveryCodes.activate(user)
    return user


def demo_account(email: str) -> User | None:
    """A member of the demo organisation with an authenticator app, or None."""
    return User.objects.filter(
        email__iexact=email.strip(),
        memberships__organisation__slug=DEMO_ORGANISATION_SLUG,
        authenticator__type=Authenticator.Type.TOTP,
    ).first()


def current_totp_code(user: User, *, at: float | None = None) -> tuple[str, int]:
    """The code the user's authenticator app shows now, and for how many more seconds."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    now = time.time() if at is None else at
    period = mfa_settings.TOTP_PERIOD
    counter = int(now) // period
    return format_hotp_value(hotp_value(secret, counter)), period - int(now) % period
