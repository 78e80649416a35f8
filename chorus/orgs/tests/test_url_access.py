"""Who may reach each organisation URL, for every pattern in the URLconf.

The patterns are walked from the root URLconf, so a view added later is checked
here without anyone remembering to list it: outsiders get 404 and change nothing,
and a new pattern fails until its required capability is written down below.
"""

import re
import uuid
from collections.abc import Iterator, Sequence
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from chorus.accounts.models import User
from chorus.api import services as api_services
from chorus.campaigns.models import Activity, ActivityKind, Campaign, CampaignState, Suggestion
from chorus.governance import services as governance_services
from chorus.links import services as link_services
from chorus.networks.models import AccountStatus, ConnectedAccount
from chorus.notifications.models import Notification, NotificationKind
from chorus.offboarding import services as offboarding_services
from chorus.orgs import services
from chorus.orgs.models import Membership
from chorus.orgs.roles import Role
from chorus.policies.models import PolicyVersion
from chorus.publishing.models import Post, PostState, text_fingerprint
from chorus.rallies import services as rally_services
from chorus.register import services as register_services
from chorus.sharing.feed import offer_campaign
from chorus.sharing.models import ProgrammeConsent
from chorus.training import services as training_services

PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def _walk(
    patterns: Sequence[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if getattr(entry.urlconf_module, "__name__", "").startswith("allauth."):
                continue  # allauth's account pages belong to no organisation
            inner = ":".join(filter(None, [namespace, entry.namespace]))
            yield from _walk(entry.url_patterns, route, inner)
        else:
            name = entry.name or route
            yield (f"{namespace}:{name}" if namespace else name), route


ROUTES = dict(_walk(get_resolver().url_patterns))


def _parameters(name: str) -> list[str]:
    return PARAMETER.findall(ROUTES[name])


ORG_ROUTES = sorted(name for name in ROUTES if "org" in _parameters(name))
# A network's name is not an object of any organisation: those URLs take no ids.
ID_ROUTES = [name for name in ORG_ROUTES if set(_parameters(name)) - {"org", "network"}]

# Chorus URLs outside any organisation, and where their isolation is tested.
NOT_ORG_SCOPED = {
    "home": "test_root_view.py: only the person's own organisations are offered",
    "profile": "accounts/tests/test_profile_view.py: changes only the logged-in person",
    "set_language": "accounts/tests/test_set_language_view.py: changes only the caller",
    "invitation_accept": "test_invitation_accept_view.py: only the invited address can join",
}
# The REST API takes the organisation from the token, never from the address.
NOT_ORG_SCOPED |= {
    name: "api/tests/test_auth_api.py: a token reaches its own organisation only (else 404)"
    for name in ROUTES
    if name.startswith("api-v1:")
}

OWNERS_AND_ADMINS = frozenset({Role.OWNER, Role.ADMIN})
EVERYONE = frozenset(Role.values)

# Who may use each organisation URL. A new pattern fails until it is added here.
ALLOWED_ROLES = {
    "orgs:home": EVERYONE,
    "orgs:people": OWNERS_AND_ADMINS,
    "orgs:member": OWNERS_AND_ADMINS,
    "orgs:member_active": OWNERS_AND_ADMINS,
    "orgs:invite": OWNERS_AND_ADMINS,
    "orgs:invite_bulk": OWNERS_AND_ADMINS,
    "orgs:invitation_revoke": OWNERS_AND_ADMINS,
    "orgs:teams": OWNERS_AND_ADMINS,
    "orgs:team": OWNERS_AND_ADMINS,
    "orgs:team_delete": OWNERS_AND_ADMINS,
    "orgs:settings": OWNERS_AND_ADMINS,
    "audit:log": OWNERS_AND_ADMINS,
    "audit:export": OWNERS_AND_ADMINS,
    "networks:accounts": EVERYONE,
    "networks:outbox": EVERYONE,
    "networks:connect_outbox": EVERYONE,
    "networks:account_settings": EVERYONE,
    "networks:account_disconnect": EVERYONE,
    "networks:account_reconnect": EVERYONE,
    "networks:connect_bluesky": EVERYONE,
    "networks:connect_start": EVERYONE,
    "networks:connect_callback": EVERYONE,
    "networks:apps": OWNERS_AND_ADMINS,
    # Company Pages are connected by those who manage the organisation.
    "networks:choose_page": OWNERS_AND_ADMINS,
    "publishing:post": EVERYONE,
    "publishing:post_retry": EVERYONE,
}
POST_ONLY = {"orgs:member_active", "orgs:invitation_revoke", "orgs:team_delete"}
POST_ONLY |= {
    "networks:connect_outbox",
    "networks:account_settings",
    "networks:account_disconnect",
    "networks:account_reconnect",
    "networks:connect_start",
    "publishing:post_retry",
}
ALLOWED_ROLES |= {
    "notifications:list": EVERYONE,
    "notifications:open": EVERYONE,
    "notifications:mark_read": EVERYONE,
    "notifications:mark_all_read": EVERYONE,
    "notifications:preferences": EVERYONE,
    "privacy:my_data": EVERYONE,
    "privacy:export": EVERYONE,
    "privacy:delete_account": EVERYONE,
}
POST_ONLY |= {"notifications:open", "notifications:mark_read", "notifications:mark_all_read"}

CAMPAIGN_MANAGERS = frozenset({Role.OWNER, Role.ADMIN, Role.CONTENT_MANAGER})
CAMPAIGN_REVIEWERS = frozenset({Role.OWNER, Role.ADMIN, Role.REVIEWER})
CAMPAIGN_VIEWERS = CAMPAIGN_MANAGERS | CAMPAIGN_REVIEWERS
ALLOWED_ROLES |= {
    "campaigns:list": CAMPAIGN_VIEWERS,
    "campaigns:create": CAMPAIGN_MANAGERS,
    "campaigns:detail": CAMPAIGN_VIEWERS,
    "campaigns:edit": CAMPAIGN_MANAGERS,
    "campaigns:clone": CAMPAIGN_MANAGERS,
    "campaigns:transition": CAMPAIGN_MANAGERS,
    "campaigns:review": CAMPAIGN_REVIEWERS,
    "campaigns:activity_add": CAMPAIGN_MANAGERS,
    "campaigns:activity_edit": CAMPAIGN_MANAGERS,
    "campaigns:activity_delete": CAMPAIGN_MANAGERS,
    "campaigns:activity_move": CAMPAIGN_MANAGERS,
    "campaigns:activity_image": CAMPAIGN_VIEWERS,
    "campaigns:suggestion_add": CAMPAIGN_MANAGERS,
    "campaigns:suggestion_edit": CAMPAIGN_MANAGERS,
    "campaigns:suggestion_delete": CAMPAIGN_MANAGERS,
    # Only its pilot team sees a campaign in pilot; the ids fixture puts every role in it.
    "campaigns:pilot_feedback": EVERYONE,
}
POST_ONLY |= {
    "campaigns:clone",
    "campaigns:transition",
    "campaigns:activity_delete",
    "campaigns:activity_move",
    "campaigns:suggestion_delete",
}
RALLY_MANAGERS = frozenset({Role.OWNER, Role.ADMIN, Role.CONTENT_MANAGER})
ALLOWED_ROLES |= {
    # Any member the rally's activity was offered to; the ids fixture offers it to everyone.
    "rallies:list": EVERYONE,
    "rallies:detail": EVERYONE,
    "rallies:withdraw": EVERYONE,
    "rallies:manage": RALLY_MANAGERS,
    "rallies:create": RALLY_MANAGERS,
    "rallies:manage_detail": RALLY_MANAGERS,
    "rallies:cancel": RALLY_MANAGERS,
}
POST_ONLY |= {"rallies:withdraw", "rallies:cancel"}
# A member's own API tokens; the ids fixture's token is the admin's.
ALLOWED_ROLES |= {"api:tokens": EVERYONE, "api:token_revoke": EVERYONE}
POST_ONLY |= {"api:token_revoke"}
ALLOWED_ROLES |= {
    # Every member may take part in advocacy; each reaches only their own feed and posts.
    "sharing:programme": EVERYONE,
    "sharing:programme_join": EVERYONE,
    "sharing:programme_leave": EVERYONE,
    "sharing:programme_accounts": EVERYONE,
    "sharing:settings": OWNERS_AND_ADMINS,
    "sharing:compose": EVERYONE,
    "sharing:preview": EVERYONE,
    "sharing:feed_entry": EVERYONE,
    "sharing:posts": EVERYONE,
    "sharing:post_cancel": EVERYONE,
    "sharing:post_now": EVERYONE,
    "sharing:post_reschedule": EVERYONE,
}
POST_ONLY |= {
    "sharing:programme_join",
    "sharing:programme_leave",
    "sharing:programme_accounts",
    "sharing:preview",
    "sharing:feed_entry",
    "sharing:post_cancel",
    "sharing:post_now",
    "sharing:post_reschedule",
}
COMPLIANCE_MANAGERS = frozenset({Role.OWNER, Role.ADMIN, Role.CONTENT_MANAGER})
COMPLIANCE_REVIEWERS = frozenset({Role.OWNER, Role.ADMIN, Role.REVIEWER})
ALLOWED_ROLES |= {
    # Compliance rules are content managers' work; the reviewer queue is reviewers'.
    "governance:rules": COMPLIANCE_MANAGERS,
    "governance:rule_create": COMPLIANCE_MANAGERS,
    "governance:rule_try": COMPLIANCE_MANAGERS,
    "governance:rule_edit": COMPLIANCE_MANAGERS,
    "governance:rule_delete": COMPLIANCE_MANAGERS,
    "governance:reviews": COMPLIANCE_REVIEWERS,
    "governance:review_decide": COMPLIANCE_REVIEWERS,
    # Every member sees the reviews of their own posts only.
    "governance:my_reviews": EVERYONE,
}
POST_ONLY |= {"governance:rule_delete", "governance:review_decide"}
ALLOWED_ROLES |= {
    # Every member sees their own links; campaign clicks and switching links off are for
    # those who manage content; how links are built is an organisation setting.
    "links:mine": EVERYONE,
    "links:campaign": CAMPAIGN_MANAGERS,
    "links:disable": CAMPAIGN_MANAGERS,
    "links:enable": CAMPAIGN_MANAGERS,
    "links:settings": OWNERS_AND_ADMINS,
}
POST_ONLY |= {"links:disable", "links:enable"}
# The social media policy and its acknowledgments.
ALLOWED_ROLES |= {
    # Every member reads the policy and its history and accepts it; owners and admins write
    # it and see who accepted which version.
    "policies:policy": EVERYONE,
    "policies:acknowledge": EVERYONE,
    "policies:history": EVERYONE,
    "policies:version": EVERYONE,
    "policies:edit": OWNERS_AND_ADMINS,
    "policies:acknowledgments": OWNERS_AND_ADMINS,
    "policies:remind": OWNERS_AND_ADMINS,
}
POST_ONLY |= {"policies:acknowledge", "policies:remind"}
# Training modules, lessons and quizzes.
TRAINING_MANAGERS = frozenset({Role.OWNER, Role.ADMIN, Role.CONTENT_MANAGER})
ALLOWED_ROLES |= {
    # Every member may take any module of their organisation; content managers run them.
    "training:list": EVERYONE,
    "training:module": EVERYONE,
    "training:lesson": EVERYONE,
    "training:quiz": EVERYONE,
    "training:manage": TRAINING_MANAGERS,
    "training:add_starters": TRAINING_MANAGERS,
    "training:unlocks": TRAINING_MANAGERS,
    "training:module_create": TRAINING_MANAGERS,
    "training:module_edit": TRAINING_MANAGERS,
    "training:module_delete": TRAINING_MANAGERS,
    "training:module_move": TRAINING_MANAGERS,
    "training:progress": TRAINING_MANAGERS,
    "training:lesson_create": TRAINING_MANAGERS,
    "training:lesson_edit": TRAINING_MANAGERS,
    "training:lesson_delete": TRAINING_MANAGERS,
    "training:lesson_move": TRAINING_MANAGERS,
    "training:question_create": TRAINING_MANAGERS,
    "training:question_edit": TRAINING_MANAGERS,
    "training:question_delete": TRAINING_MANAGERS,
    "training:question_move": TRAINING_MANAGERS,
}
POST_ONLY |= {
    "training:add_starters",
    "training:module_delete",
    "training:module_move",
    "training:lesson_delete",
    "training:lesson_move",
    "training:question_delete",
    "training:question_move",
}
# The account register and delegated access to company accounts.
ALLOWED_ROLES |= {
    "register:list": OWNERS_AND_ADMINS,
    "register:add": OWNERS_AND_ADMINS,
    "register:confirm": OWNERS_AND_ADMINS,
    "register:settings": OWNERS_AND_ADMINS,
    "register:entry": OWNERS_AND_ADMINS,
    "register:edit": OWNERS_AND_ADMINS,
    "register:remove": OWNERS_AND_ADMINS,
    "register:reviewed": OWNERS_AND_ADMINS,
    "register:delegate": OWNERS_AND_ADMINS,
    "register:revoke": OWNERS_AND_ADMINS,
}
POST_ONLY |= {
    "register:confirm",
    "register:remove",
    "register:reviewed",
    "register:delegate",
    "register:revoke",
}
# Offboarding and its reports.
ALLOWED_ROLES |= {"offboarding:list": OWNERS_AND_ADMINS, "offboarding:report": OWNERS_AND_ADMINS}
POST_ONLY |= set()
# Opt-in incentives: programmes, earnings, holds and payouts.
ALLOWED_ROLES |= {
    # Every member sees their own earnings and joins or leaves; running programmes,
    # reviewing holds and paying out are organisation settings.
    "incentives:mine": EVERYONE,
    "incentives:my_ledger": EVERYONE,
    "incentives:join": EVERYONE,
    "incentives:leave": EVERYONE,
    "incentives:programmes": OWNERS_AND_ADMINS,
    "incentives:programme_create": OWNERS_AND_ADMINS,
    "incentives:programme": OWNERS_AND_ADMINS,
    "incentives:programme_edit": OWNERS_AND_ADMINS,
    "incentives:pause": OWNERS_AND_ADMINS,
    "incentives:resume": OWNERS_AND_ADMINS,
    "incentives:end": OWNERS_AND_ADMINS,
    "incentives:member_ledger": OWNERS_AND_ADMINS,
    "incentives:payout_create": OWNERS_AND_ADMINS,
    "incentives:payout_download": OWNERS_AND_ADMINS,
    "incentives:holds": OWNERS_AND_ADMINS,
    "incentives:release": OWNERS_AND_ADMINS,
    "incentives:reject": OWNERS_AND_ADMINS,
}
POST_ONLY |= {
    "incentives:join",
    "incentives:leave",
    "incentives:pause",
    "incentives:resume",
    "incentives:end",
    "incentives:payout_create",
    "incentives:release",
    "incentives:reject",
}
# A view that needs its object in a particular state takes it from another key of ids.
ID_KEYS = {
    ("campaigns:pilot_feedback", "campaign_id"): "pilot_campaign_id",
    ("campaigns:review", "campaign_id"): "review_campaign_id",
    ("sharing:compose", "activity_id"): "feed_activity_id",
    ("sharing:preview", "activity_id"): "feed_activity_id",
    ("sharing:feed_entry", "activity_id"): "feed_activity_id",
    ("links:enable", "link_id"): "disabled_link_id",
}


def url(name: str, org: str, ids: dict[str, int]) -> str:
    path = ROUTES[name]
    for parameter in _parameters(name):
        if parameter == "org":
            value: object = org
        elif parameter == "network":
            value = "mastodon"
        elif ID_KEYS.get((name, parameter), parameter) in ids:
            value = ids[ID_KEYS.get((name, parameter), parameter)]
        else:
            pytest.fail(f"{name} takes <{parameter}>: add an object for it to the ids fixture")
        path = re.sub(rf"<(?:\w+:)?{parameter}>", str(value), path, count=1)
    return "/" + path


def hostile_data() -> dict[str, object]:
    """A POST that would change something in most views, if it were let through."""
    return {
        "name": "Taken over",
        "description": "owned",
        "default_language": "de",
        "default_time_zone": "Europe/Helsinki",
        "email": "intruder@globex.test",
        "full_name": "Intruder",
        "handle": "@intruder",
        "role": Role.REVIEWER,
        "active": "0",
        "languages": ["en"],
        "networks": ["linkedin"],
        "transition": "archive",
        "decision": "approve",
        "kind": ActivityKind.OWN_POST,
        "title": "Taken over",
        "topic": "owned",
        "image_alt": "owned",
        "direction": "up",
        "language": "en",
        "text": "owned",
        "disclosure": "#owned",
        "duplicate_guard": "block",
        "duplicate_threshold": "0.9",
        "programme_terms": "owned",
        "csv_file": SimpleUploadedFile(
            "people.csv", b"email,role\nmole@globex.test,employee\n", content_type="text/csv"
        ),
    }


def own_objects(member: Membership) -> dict[str, int]:
    """Objects only their owner may reach: each role is checked against its own."""
    account = ConnectedAccount.objects.create(
        organisation=member.organisation,
        member=member,
        network="outbox",
        external_id=f"outbox-{uuid.uuid4()}",
        handle=f"@member{member.pk}",
        status=AccountStatus.NEEDS_RECONNECT,
        takes_part=True,
    )
    text = "A failed post its owner may send again"
    post = Post.objects.create(
        organisation=member.organisation,
        member=member,
        account=account,
        network="outbox",
        text=text,
        approved_text_sha256=text_fingerprint(text),
        state=PostState.FAILED,
    )
    return {"account_id": account.pk, "post_id": post.pk}


def campaign_objects(cast: dict[str, Membership]) -> dict[str, int]:
    """A draft campaign to edit, one waiting for review, and one in pilot with everyone in it."""
    organisation = cast[Role.OWNER].organisation
    campaign = Campaign.objects.create(
        organisation=organisation, name="Spring", languages=["en"], networks=["linkedin"]
    )
    Activity.objects.create(campaign=campaign, kind=ActivityKind.OWN_POST, title="First", topic="t")
    activity = Activity.objects.create(
        campaign=campaign,
        kind=ActivityKind.OWN_POST,
        title="Second",
        topic="Our spring",
        image=SimpleUploadedFile("spring.gif", TINY_GIF, content_type="image/gif"),
        image_alt="A flower",
        position=1,
    )
    suggestion = Suggestion.objects.create(
        activity=activity, network="linkedin", language="en", text="Spring!"
    )
    in_review = Campaign.objects.create(
        organisation=organisation,
        name="Summer",
        languages=["en"],
        networks=["linkedin"],
        state=CampaignState.IN_REVIEW,
        submitted_by=cast[Role.CONTENT_MANAGER],
    )
    Activity.objects.create(campaign=in_review, kind=ActivityKind.OWN_POST, title="Sun", topic="t")
    pilot_team = organisation.teams.create(name="Pilot")
    for member in cast.values():
        member.teams.add(pilot_team)
    pilot = Campaign.objects.create(
        organisation=organisation,
        name="Autumn",
        languages=["en"],
        networks=["linkedin"],
        state=CampaignState.PILOT,
        pilot_team=pilot_team,
    )
    Activity.objects.create(campaign=pilot, kind=ActivityKind.OWN_POST, title="Leaves", topic="t")
    return {
        "campaign_id": campaign.pk,
        "activity_id": activity.pk,
        "suggestion_id": suggestion.pk,
        "review_campaign_id": in_review.pk,
        "pilot_campaign_id": pilot.pk,
    }


def rally_objects(cast: dict[str, Membership]) -> dict[str, int]:
    """An open rally offered to every role, and the employee's pledge to it."""
    organisation = cast[Role.OWNER].organisation
    campaign = Campaign.objects.create(
        organisation=organisation, name="Rally campaign", state=CampaignState.LIVE
    )
    activity = Activity.objects.create(
        campaign=campaign, kind=ActivityKind.OWN_POST, title="Rally", topic="t"
    )
    offer_campaign(campaign=campaign)
    deadline = timezone.now() + timedelta(days=1)
    rally = rally_services.create_rally(
        by=cast[Role.CONTENT_MANAGER],
        activity=activity,
        title="Rally",
        goal_pledges=2,
        deadline=deadline,
        window_starts_at=deadline,
        window_ends_at=deadline + timedelta(hours=2),
    )
    employee = cast[Role.EMPLOYEE]
    ProgrammeConsent.objects.create(member=employee, terms_version=1, terms_text="terms")
    account = ConnectedAccount.objects.create(
        organisation=organisation,
        member=employee,
        network="outbox",
        external_id=f"outbox-{uuid.uuid4()}",
        handle="@rallying",
        takes_part=True,
    )
    pledge = rally_services.pledge(
        member=employee, rally=rally, account=account, text="Why I take part, in my words"
    )
    return {"rally_id": rally.pk, "pledge_id": pledge.pk}


def sharing_objects(cast: dict[str, Membership]) -> dict[str, int]:
    """A live campaign's activity in every member's feed, for the composer."""
    campaign = Campaign.objects.create(
        organisation=cast[Role.OWNER].organisation, name="Share me", state=CampaignState.LIVE
    )
    activity = Activity.objects.create(
        campaign=campaign,
        kind=ActivityKind.SHARE_LINK,
        title="Share me",
        link_url="https://acme.test/news",
    )
    offer_campaign(campaign=campaign)
    return {"feed_activity_id": activity.pk}


def link_objects(cast: dict[str, Membership]) -> dict[str, int]:
    """The employee's tracked links for a shared page: one active, one disabled."""
    campaign = Campaign.objects.create(
        organisation=cast[Role.OWNER].organisation, name="Links", state=CampaignState.LIVE
    )
    activity = Activity.objects.create(
        campaign=campaign, kind=ActivityKind.SHARE_LINK, title="Link", link_url="https://a.test/"
    )
    employee = cast[Role.EMPLOYEE]
    active = link_services.tracked_link_for(member=employee, activity=activity, network="x")
    disabled = link_services.tracked_link_for(member=employee, activity=activity, network="bluesky")
    link_services.disable_link(by=cast[Role.CONTENT_MANAGER], link=disabled)
    return {"link_id": active.pk, "disabled_link_id": disabled.pk}


def governance_objects(cast: dict[str, Membership]) -> dict[str, int]:
    """A compliance rule, and the employee's post waiting in the reviewer queue."""
    rule = governance_services.create_rule(
        by=cast[Role.CONTENT_MANAGER],
        kind="banned_phrases",
        name="Promises",
        severity="review",
        config={"terms": [{"text": "guaranteed"}]},
    )
    post = Post.objects.create(
        organisation=rule.organisation,
        member=cast[Role.EMPLOYEE],
        network="outbox",
        text="Guaranteed fun",
        approved_text_sha256=text_fingerprint("Guaranteed fun"),
        state=PostState.APPROVED,
    )
    review = governance_services.request_review(post=post)
    return {"rule_id": rule.pk, "review_id": review.pk}


def policy_objects(cast: dict[str, Membership]) -> dict[str, int]:
    """A published version of the policy (made directly: publishing would pause posts)."""
    owner = cast[Role.OWNER]
    version = PolicyVersion.objects.create(
        organisation=owner.organisation,
        major=1,
        minor=0,
        text="## Be kind",
        summary="First version",
        published_by=owner.user,
    )
    return {"version_id": version.pk}


def training_objects(cast: dict[str, Membership]) -> dict[str, int]:
    """The second of two modules, and its second lesson and question (so each can move up)."""
    manager = cast[Role.CONTENT_MANAGER]
    for title in ("Earlier", "Basics"):
        module = training_services.create_module(
            by=manager,
            fields=training_services.ModuleFields(title=title, assigned_to_everyone=True),
        )
    for title in ("One", "Two"):
        lesson = training_services.create_lesson(by=manager, module=module, title=title, body="Hi")
        question = training_services.create_question(
            by=manager, module=module, text=f"{title}?", choices=[("Yes", True), ("No", False)]
        )
    return {"module_id": module.pk, "lesson_id": lesson.pk, "question_id": question.pk}


def register_objects(cast: dict[str, Membership]) -> dict[str, int]:
    """A company account held outside Chorus, with the employee as its delegate."""
    admin = cast[Role.ADMIN]
    entry = register_services.add_entry(
        by=admin,
        network="x",
        handle="@acme",
        ownership="company",
        credentials_place="The marketing password manager",
    )
    delegation = register_services.grant_delegation(
        by=admin, entry=entry, member=cast[Role.EMPLOYEE], level="draft"
    )
    return {"register_entry_id": entry.pk, "delegation_id": delegation.pk}


def offboarding_objects(cast: dict[str, Membership]) -> dict[str, int]:
    """The report of someone who left."""
    owner = cast[Role.OWNER]
    leaver = Membership.objects.create(
        organisation=owner.organisation,
        user=User.objects.create_user("leaving@acme.test", "x-unused-password-2"),
    )
    report = offboarding_services.offboard_member(by=owner, member=leaver)
    return {"report_id": report.pk}


def incentive_objects(cast: dict[str, Membership]) -> dict[str, int]:
    from datetime import date
    from decimal import Decimal

    from chorus.incentives import services as incentive_services
    from chorus.incentives.models import EntryStatus

    now = timezone.now()
    programme = incentive_services.create_programme(
        by=cast[Role.ADMIN],
        data=incentive_services.ProgrammeData(
            name="Clicks pay",
            unit="money",
            currency="USD",
            amount_per_click=Decimal("1.00"),
            cap_amount=None,
            cap_period="",
            starts_at=now - timedelta(days=10),
            ends_at=None,
            all_campaigns=True,
            campaigns=[],
            burst_clicks=5,
            burst_minutes=10,
            network_burst_clicks=20,
            network_burst_minutes=10,
        ),
    )
    employee = cast[Role.EMPLOYEE]
    for click_id, status in enumerate((EntryStatus.CREDITED, EntryStatus.HELD), start=1):
        held = programme.entries.create(
            member=employee,
            click_id=click_id,
            click_time=now - timedelta(days=1),
            amount=Decimal("1.00"),
            status=status,
            reason="self_click" if status == EntryStatus.HELD else "",
        )
    batch = incentive_services.export_payout(
        by=cast[Role.ADMIN],
        programme=programme,
        period_start=date(2020, 1, 1),
        period_end=timezone.localdate(),
    )
    return {"programme_id": programme.pk, "entry_id": held.pk, "batch_id": batch.pk}


TINY_GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00"
    b"\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


@pytest.fixture
def ids(admin, employee, teams, cast, settings) -> dict[str, int]:
    """One object of each kind in organisation A, for the URLs that name one."""
    # Uploaded files (activity images) stay in memory.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    employee.teams.add(teams["Sales"])
    invitation = services.invite_member(by=admin, email="pending@acme.test", role=Role.EMPLOYEE)
    return {
        "membership_id": employee.pk,
        "team_id": teams["Sales"].pk,
        "invitation_id": invitation.pk,
        **own_objects(employee),
        "notification_id": Notification.objects.create(
            member=employee, kind=NotificationKind.POST_PUBLISHED, url="/o/acme/"
        ).pk,
        **campaign_objects(cast),
        **rally_objects(cast),
        **sharing_objects(cast),
        **governance_objects(cast),
        **link_objects(cast),
        **policy_objects(cast),
        **training_objects(cast),
        **register_objects(cast),
        **offboarding_objects(cast),
        **incentive_objects(cast),
        "token_id": api_services.create_token(by=admin, name="Deploy script").token.pk,
    }


def test_the_walk_finds_every_chorus_url():
    assert {"orgs:home", "orgs:member", "audit:export"} <= set(ORG_ROUTES)
    assert not any(name.startswith("account_") for name in ROUTES)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_every_chorus_url_is_org_scoped_or_accounted_for(name):
    assert name in ORG_ROUTES or name in NOT_ORG_SCOPED, (
        f"{name} ({ROUTES[name]}) is neither under /o/<org>/ nor listed in NOT_ORG_SCOPED"
    )


@pytest.mark.parametrize("name", ORG_ROUTES)
def test_every_org_url_says_who_may_use_it(name):
    assert name in ALLOWED_ROLES, f"add {name} to ALLOWED_ROLES"


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", ORG_ROUTES)
def test_outsider_gets_404_and_changes_nothing(
    name, method, outsider, owner, organisation, ids, login, snapshot
):
    before = snapshot(organisation)
    client = login(outsider)
    path = url(name, organisation.slug, ids)

    response = client.get(path) if method == "get" else client.post(path, hostile_data())

    assert response.status_code == 404
    assert snapshot(organisation) == before


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", ID_ROUTES)
def test_ids_of_another_organisation_under_ones_own_slug_give_404(
    name, method, outsider, owner, organisation, other_organisation, ids, login, snapshot
):
    before = snapshot(organisation)
    client = login(outsider)
    path = url(name, other_organisation.slug, ids)

    response = client.get(path) if method == "get" else client.post(path, hostile_data())

    # A POST-only URL refuses a GET before it looks anything up, whatever the id.
    assert response.status_code == (405 if method == "get" and name in POST_ONLY else 404)
    assert snapshot(organisation) == before


@pytest.mark.parametrize("name", ORG_ROUTES)
def test_unknown_organisation_gives_404(name, outsider, ids, login):
    response = login(outsider).get(url(name, "no-such-organisation", ids))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ORG_ROUTES)
def test_deactivated_member_gets_404_everywhere(
    name, owner, admin, organisation, ids, login, snapshot
):
    services.deactivate_member(by=owner, member=admin)
    before = snapshot(organisation)
    client = login(admin)
    path = url(name, organisation.slug, ids)

    assert client.get(path).status_code == 404
    assert client.post(path, hostile_data()).status_code == 404
    assert snapshot(organisation) == before


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", ORG_ROUTES)
def test_anonymous_visitor_is_sent_to_log_in(name, method, organisation, ids, client, snapshot):
    before = snapshot(organisation)
    path = url(name, organisation.slug, ids)

    response = client.get(path) if method == "get" else client.post(path, hostile_data())

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert snapshot(organisation) == before


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("name", ORG_ROUTES)
def test_role_gating(name, role, cast, organisation, ids, login, snapshot):
    client = login(cast[role])
    path = url(name, organisation.slug, {**ids, **own_objects(cast[role])})

    if role in ALLOWED_ROLES[name]:
        expected = 405 if name in POST_ONLY else 200
        assert client.get(path).status_code == expected
    else:
        before = snapshot(organisation)
        assert client.get(path).status_code == 403
        assert client.post(path, hostile_data()).status_code == 403
        assert snapshot(organisation) == before


def _without_totp(organisation, role: str, email: str) -> Membership:
    user = User.objects.create_user(email, "x-unused-password-1")
    return Membership.objects.create(organisation=organisation, user=user, role=role)


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN])
@pytest.mark.parametrize("name", ORG_ROUTES)
def test_owners_and_admins_without_totp_are_sent_to_set_it_up(
    name, role, organisation, ids, login, snapshot
):
    member = _without_totp(organisation, role, f"new-{role}@acme.test")
    before = snapshot(organisation)
    client = login(member)
    path = url(name, organisation.slug, ids)

    for response in (client.get(path), client.post(path, hostile_data())):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/2fa/totp/activate/?next=")
    assert snapshot(organisation) == before


def test_totp_redirect_brings_the_person_back(organisation, ids, login):
    member = _without_totp(organisation, Role.ADMIN, "new-admin@acme.test")

    response = login(member).get(f"/o/{organisation.slug}/people/?q=erin")

    assert (
        response["Location"]
        == "/accounts/2fa/totp/activate/?next=%2Fo%2Facme%2Fpeople%2F%3Fq%3Derin"
    )


@pytest.mark.parametrize("role", [Role.CONTENT_MANAGER, Role.REVIEWER, Role.EMPLOYEE])
def test_other_roles_need_no_totp(role, organisation, login):
    member = _without_totp(organisation, role, f"new-{role}@acme.test")

    assert login(member).get(f"/o/{organisation.slug}/").status_code == 200


READ_ONLY = {"orgs:home", "orgs:people", "audit:log"}
# Pilot feedback is an employee's answer, not an audited change the snapshot could see.
READ_ONLY |= {"campaigns:list", "campaigns:detail", "campaigns:activity_image"}
READ_ONLY |= {"campaigns:pilot_feedback"}
READ_ONLY |= {"networks:accounts", "networks:outbox", "publishing:post"}
# Starting or finishing a sign-in only touches the session; the hostile POST fills in no form.
READ_ONLY |= {
    "networks:connect_bluesky",
    "networks:connect_start",
    "networks:connect_callback",
    "networks:apps",
}
# Without a sign-in held in the session there is no page to choose.
READ_ONLY |= {"networks:choose_page"}
# A member's own notifications and settings, and account deletion without the password.
READ_ONLY |= {
    "notifications:list",
    "notifications:open",
    "notifications:mark_read",
    "notifications:mark_all_read",
    "notifications:preferences",
    "privacy:my_data",
    "privacy:export",
    "privacy:delete_account",
}


# Rally pages, a member's own pledge, and a form the hostile POST cannot fill in.
READ_ONLY |= {
    "rallies:list",
    "rallies:detail",
    "rallies:withdraw",
    "rallies:manage",
    "rallies:create",
    "rallies:manage_detail",
}

# A member's own programme choices, feed and posts: not audited, so the snapshot cannot see them
# (chorus/sharing/tests checks what they change).
READ_ONLY |= {
    "sharing:programme",
    "sharing:programme_join",
    "sharing:programme_leave",
    "sharing:programme_accounts",
    "sharing:compose",
    "sharing:preview",
    "sharing:feed_entry",
    "sharing:posts",
    "sharing:post_cancel",
    "sharing:post_now",
    "sharing:post_reschedule",
}


# Compliance pages whose forms the hostile POST cannot fill in, and read-only pages.
READ_ONLY |= {
    "governance:rules",
    "governance:rule_create",
    "governance:rule_try",
    "governance:rule_edit",
    "governance:reviews",
    "governance:my_reviews",
}


# A member's own links, campaign totals, and link settings the hostile POST cannot fill in.
READ_ONLY |= {"links:mine", "links:campaign", "links:settings"}

# A member's own reading and quiz answers (not audited: they are the record themselves), the
# unlock settings and content forms the hostile POST cannot fill in (chorus/training/tests).
READ_ONLY |= {
    "training:list",
    "training:module",
    "training:lesson",
    "training:quiz",
    "training:manage",
    "training:unlocks",
    "training:progress",
    "training:module_create",
    "training:module_edit",
    "training:lesson_create",
    "training:lesson_edit",
    "training:question_create",
    "training:question_edit",
}

# Policy pages, a member's own acceptance (not audited: the acknowledgment is the record), and
# the editor, whose form the hostile POST cannot fill in (chorus/policies/tests checks them).
READ_ONLY |= {
    "policies:policy",
    "policies:acknowledge",
    "policies:history",
    "policies:version",
    "policies:edit",
    "policies:acknowledgments",
}


# Register pages and forms the hostile POST cannot fill in (chorus/register/tests checks them),
# and the offboarding reports, which only read.
READ_ONLY |= {
    "register:list",
    "register:entry",
    "register:add",
    "register:edit",
    "register:settings",
    "register:delegate",
    "offboarding:list",
    "offboarding:report",
}

# Incentive pages; forms the hostile POST cannot fill in (a programme, a payout period, a
# rejection's reason); leaving a programme one never joined and resuming a running one
# change nothing (chorus/incentives/tests checks them).
READ_ONLY |= {
    "incentives:mine",
    "incentives:my_ledger",
    "incentives:programmes",
    "incentives:programme",
    "incentives:programme_create",
    "incentives:programme_edit",
    "incentives:member_ledger",
    "incentives:holds",
    "incentives:leave",
    "incentives:resume",
    "incentives:payout_create",
    "incentives:reject",
}


@pytest.mark.parametrize("name", [name for name in ORG_ROUTES if name not in READ_ONLY])
def test_the_hostile_post_does_change_something_when_an_admin_sends_it(
    name, admin, organisation, ids, login, snapshot
):
    """Shows that the 'nothing changed' checks above would notice a change."""
    before = snapshot(organisation)

    login(admin).post(url(name, organisation.slug, {**ids, **own_objects(admin)}), hostile_data())

    assert snapshot(organisation) != before
