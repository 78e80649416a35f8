"""Campaign content: settings, activities, suggestions, order and cloning (draft only)."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.campaigns import services
from chorus.campaigns.models import (
    Activity,
    ActivityKind,
    Campaign,
    CampaignState,
    Recurrence,
    Suggestion,
)
from chorus.campaigns.tests.conftest import add_share_link, image_bytes, upload
from chorus.orgs.models import Team


def errors_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# --- Campaign settings ----------------------------------------------------------------


def test_create_campaign_stores_settings_and_is_audited(content_manager, teams):
    campaign = services.create_campaign(
        by=content_manager,
        name="  Spring launch ",
        goal="Reach",
        languages=["en", "fi", "en"],
        networks=["linkedin", "bluesky"],
        target_teams=[teams["Sales"]],
        pilot_team=teams["Nordics"],
    )

    campaign.refresh_from_db()
    assert campaign.name == "Spring launch"
    assert campaign.state == CampaignState.DRAFT
    assert campaign.languages == ["en", "fi"]
    assert campaign.networks == ["linkedin", "bluesky"]
    assert list(campaign.target_teams.all()) == [teams["Sales"]]
    assert campaign.pilot_team == teams["Nordics"]
    assert campaign.created_by == content_manager
    event = AuditEvent.objects.get(action=AuditAction.CAMPAIGN_CREATED)
    assert event.actor == content_manager.user
    assert event.object_id == str(campaign.pk)
    assert (event.after or {})["target_teams"] == ["Sales"]


def test_create_campaign_reports_every_bad_field(content_manager):
    with pytest.raises(ValidationError) as excinfo:
        services.create_campaign(
            by=content_manager,
            name=" ",
            languages=["xx"],
            networks=["myspace"],
            starts_at=timezone.now(),
            ends_at=timezone.now() - timedelta(days=1),
        )

    assert set(errors_of(excinfo)) == {"name", "languages", "networks", "ends_at"}
    assert not Campaign.objects.exists()


def test_create_campaign_needs_a_language_and_a_network(content_manager):
    with pytest.raises(ValidationError) as excinfo:
        services.create_campaign(by=content_manager, name="X", languages=[], networks=[])

    assert set(errors_of(excinfo)) == {"languages", "networks"}


def test_teams_of_another_organisation_are_refused(content_manager, other_organisation):
    foreign = Team.objects.create(organisation=other_organisation, name="Spies")

    with pytest.raises(ValidationError) as excinfo:
        services.create_campaign(
            by=content_manager,
            name="X",
            languages=["en"],
            networks=["x"],
            target_teams=[foreign],
            pilot_team=foreign,
        )

    assert set(errors_of(excinfo)) == {"target_teams", "pilot_team"}


@pytest.mark.parametrize("role", ["reviewer", "responder", "employee"])
def test_only_content_managers_write(role, cast, campaign):
    member = cast[role]
    with pytest.raises(PermissionDenied):
        services.create_campaign(by=member, name="X", languages=["en"], networks=["x"])
    with pytest.raises(PermissionDenied):
        services.add_activity(
            by=member, campaign=campaign, kind=ActivityKind.OWN_POST, title="t", topic="t"
        )
    with pytest.raises(PermissionDenied):
        services.clone_campaign(by=member, campaign=campaign)


def test_a_member_of_another_organisation_cannot_touch_the_campaign(outsider, campaign):
    with pytest.raises(PermissionDenied):
        services.add_activity(
            by=outsider, campaign=campaign, kind=ActivityKind.OWN_POST, title="t", topic="t"
        )
    with pytest.raises(PermissionDenied):
        services.clone_campaign(by=outsider, campaign=campaign)


def test_update_campaign_records_before_and_after(content_manager, campaign, teams):
    services.update_campaign(
        by=content_manager,
        campaign=campaign,
        name="Spring launch 2",
        languages=["en"],
        networks=["x"],
        target_teams=[teams["Engineering"]],
    )

    campaign.refresh_from_db()
    assert (campaign.name, campaign.languages, campaign.networks) == (
        "Spring launch 2",
        ["en"],
        ["x"],
    )
    event = AuditEvent.objects.get(action=AuditAction.CAMPAIGN_UPDATED)
    assert (event.before or {})["name"] == "Spring launch"
    assert (event.after or {})["name"] == "Spring launch 2"
    assert (event.after or {})["target_teams"] == ["Engineering"]


def test_removing_a_language_that_has_suggestions_is_refused(content_manager, campaign):
    activity = add_share_link(campaign, content_manager)
    services.add_suggestion(by=content_manager, activity=activity, language="de", text="Hallo")

    with pytest.raises(ValidationError) as excinfo:
        services.update_campaign(
            by=content_manager,
            campaign=campaign,
            name=campaign.name,
            languages=["en"],
            networks=campaign.networks,
        )

    assert "languages" in errors_of(excinfo)
    campaign.refresh_from_db()
    assert campaign.languages == ["en", "de"]


def test_ending_before_an_activity_expires_is_refused(content_manager, campaign):
    services.add_activity(
        by=content_manager,
        campaign=campaign,
        kind=ActivityKind.OWN_POST,
        title="Write",
        topic="Spring",
        expires_at=timezone.now() + timedelta(days=10),
    )

    with pytest.raises(ValidationError) as excinfo:
        services.update_campaign(
            by=content_manager,
            campaign=campaign,
            name=campaign.name,
            languages=campaign.languages,
            networks=campaign.networks,
            ends_at=timezone.now() + timedelta(days=5),
        )

    assert "ends_at" in errors_of(excinfo)


# --- Editing only in draft --------------------------------------------------------------


@pytest.mark.parametrize("state", ["in_review", "approved", "pilot", "live", "ended", "archived"])
def test_content_cannot_change_outside_draft(state, content_manager, campaign):
    activity = add_share_link(campaign, content_manager)
    suggestion = activity.suggestions.get()
    Campaign.objects.filter(pk=campaign.pk).update(state=state)
    campaign.refresh_from_db()
    activity.refresh_from_db()
    events_before = AuditEvent.objects.count()

    attempts: list[Callable[[], object]] = [
        lambda: services.update_campaign(
            by=content_manager,
            campaign=campaign,
            name="Changed",
            languages=["en"],
            networks=["x"],
        ),
        lambda: services.add_activity(
            by=content_manager, campaign=campaign, kind=ActivityKind.OWN_POST, title="t", topic="t"
        ),
        lambda: services.update_activity(
            by=content_manager,
            activity=activity,
            kind=ActivityKind.SHARE_LINK,
            title="Changed",
            link_url="https://acme.test/",
        ),
        lambda: services.delete_activity(by=content_manager, activity=activity),
        lambda: services.reorder_activities(
            by=content_manager, campaign=campaign, order=[activity.pk]
        ),
        lambda: services.add_suggestion(
            by=content_manager, activity=activity, language="de", text="Neu"
        ),
        lambda: services.update_suggestion(
            by=content_manager, suggestion=suggestion, language="en", text="Changed"
        ),
        lambda: services.delete_suggestion(by=content_manager, suggestion=suggestion),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as excinfo:
            attempt()
        assert excinfo.value.code == "not_editable"
        assert "Only a draft can be edited" in excinfo.value.messages[0]

    campaign.refresh_from_db()
    assert campaign.name == "Spring launch"
    assert Activity.objects.filter(campaign=campaign).count() == 1
    assert Suggestion.objects.get().text == "Our spring release is out!"
    assert AuditEvent.objects.count() == events_before


# --- Activities ---------------------------------------------------------------------------


def test_each_kind_needs_its_own_fields(content_manager, campaign):
    cases = {
        ActivityKind.SHARE_LINK: "link_url",
        ActivityKind.REPOST: "post_url",
        ActivityKind.LIKE: "post_url",
        ActivityKind.COMMENT: "post_url",
        ActivityKind.OWN_POST: "topic",
    }
    for kind, field in cases.items():
        with pytest.raises(ValidationError) as excinfo:
            services.add_activity(by=content_manager, campaign=campaign, kind=kind, title="T")
        assert field in errors_of(excinfo), kind
    assert not campaign.activities.exists()


def test_fields_of_other_kinds_are_not_kept(content_manager, campaign):
    activity = services.add_activity(
        by=content_manager,
        campaign=campaign,
        kind=ActivityKind.REPOST,
        title="Repost our news",
        post_url="https://social.test/acme/1",
        link_url="https://acme.test/ignored",
        topic="ignored",
    )

    activity.refresh_from_db()
    assert activity.post_url == "https://social.test/acme/1"
    assert (activity.link_url, activity.topic) == ("", "")


def test_add_activity_validates_urls_points_recurrence_and_title(content_manager, campaign):
    with pytest.raises(ValidationError) as excinfo:
        services.add_activity(
            by=content_manager,
            campaign=campaign,
            kind=ActivityKind.SHARE_LINK,
            title="",
            link_url="javascript:alert(1)",
            points=-1,
            recurrence="daily",
        )

    assert set(errors_of(excinfo)) == {"title", "link_url", "points", "recurrence"}


def test_expiry_must_be_in_the_future_and_within_the_campaign(content_manager, campaign):
    now = timezone.now()
    with pytest.raises(ValidationError) as excinfo:
        services.add_activity(
            by=content_manager,
            campaign=campaign,
            kind=ActivityKind.OWN_POST,
            title="T",
            topic="t",
            expires_at=now - timedelta(minutes=1),
            now=now,
        )
    assert "expires_at" in errors_of(excinfo)

    Campaign.objects.filter(pk=campaign.pk).update(ends_at=now + timedelta(days=3))
    campaign.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        services.add_activity(
            by=content_manager,
            campaign=campaign,
            kind=ActivityKind.OWN_POST,
            title="T",
            topic="t",
            expires_at=now + timedelta(days=4),
            now=now,
        )
    assert "campaign's end" in errors_of(excinfo)["expires_at"][0]

    activity = services.add_activity(
        by=content_manager,
        campaign=campaign,
        kind=ActivityKind.OWN_POST,
        title="T",
        topic="t",
        expires_at=now + timedelta(days=3),
        points=0,
        recurrence=Recurrence.WEEKLY,
        now=now,
    )
    assert activity.expires_at == now + timedelta(days=3)
    assert (activity.points, activity.recurrence) == (0, "weekly")


def test_activity_with_an_image_needs_alt_text(content_manager, campaign):
    with pytest.raises(ValidationError) as excinfo:
        services.add_activity(
            by=content_manager,
            campaign=campaign,
            kind=ActivityKind.OWN_POST,
            title="T",
            topic="t",
            image=upload(),
        )

    assert "image_alt" in errors_of(excinfo)
    assert not campaign.activities.exists()


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "GIF", "WEBP"])
def test_accepted_image_formats_are_stored_under_a_random_name(
    image_format, content_manager, campaign
):
    activity = services.add_activity(
        by=content_manager,
        campaign=campaign,
        kind=ActivityKind.OWN_POST,
        title="T",
        topic="t",
        image=upload("holiday snap.bin", image_bytes(image_format)),
        image_alt="A red square",
    )

    activity.refresh_from_db()
    extension = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}[image_format]
    assert (activity.image.name or "").startswith("activities/")
    assert (activity.image.name or "").endswith(f".{extension}")
    assert "holiday" not in (activity.image.name or "")
    assert activity.image_alt == "A red square"
    with activity.image.open("rb") as stored:
        assert stored.read() == image_bytes(image_format)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "JPEG, PNG, GIF or WebP"),
        (b"%PDF-1.4 not an image", "JPEG, PNG, GIF or WebP"),
        ("BMP", "JPEG, PNG, GIF or WebP"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (5 * 1024 * 1024), "larger than 5 MB"),
    ],
)
def test_other_files_are_refused(content, message, content_manager, campaign):
    data = image_bytes("BMP") if content == "BMP" else content

    with pytest.raises(ValidationError) as excinfo:
        services.add_activity(
            by=content_manager,
            campaign=campaign,
            kind=ActivityKind.OWN_POST,
            title="T",
            topic="t",
            image=upload("x.png", data),
            image_alt="Alt",
        )

    assert message in errors_of(excinfo)["image"][0]
    assert not campaign.activities.exists()


def test_update_activity_replaces_and_removes_the_image(content_manager, campaign):
    activity = services.add_activity(
        by=content_manager,
        campaign=campaign,
        kind=ActivityKind.OWN_POST,
        title="T",
        topic="t",
        image=upload(),
        image_alt="First",
    )
    first = activity.image.name
    storage = activity.image.storage

    services.update_activity(
        by=content_manager,
        activity=activity,
        kind=ActivityKind.OWN_POST,
        title="T2",
        topic="t",
        image=upload("b.gif", image_bytes("GIF")),
        image_alt="Second",
    )
    activity.refresh_from_db()
    assert activity.image.name != first
    assert (activity.image.name or "").endswith(".gif")
    assert activity.image_alt == "Second"

    services.update_activity(
        by=content_manager,
        activity=activity,
        kind=ActivityKind.OWN_POST,
        title="T2",
        topic="t",
        remove_image=True,
        image_alt="Second",
    )
    activity.refresh_from_db()
    assert not activity.image
    assert activity.image_alt == ""
    assert storage is not None


def test_update_activity_is_audited_with_before_and_after(content_manager, campaign):
    activity = add_share_link(campaign, content_manager, with_suggestion=False)

    services.update_activity(
        by=content_manager,
        activity=activity,
        kind=ActivityKind.SHARE_LINK,
        title="Share it now",
        link_url="https://acme.test/blog/spring",
    )

    event = AuditEvent.objects.filter(action=AuditAction.ACTIVITY_CHANGED).latest("pk")
    assert (event.before or {})["title"] == "Share the launch post"
    assert (event.after or {})["title"] == "Share it now"
    assert event.object_id == str(campaign.pk)


def test_delete_activity_removes_its_suggestions_and_renumbers(content_manager, campaign):
    first = add_share_link(campaign, content_manager)
    second = services.add_activity(
        by=content_manager, campaign=campaign, kind=ActivityKind.OWN_POST, title="2", topic="t"
    )

    first_id = first.pk

    services.delete_activity(by=content_manager, activity=first)

    assert list(campaign.activities.values_list("pk", "position")) == [(second.pk, 0)]
    assert not Suggestion.objects.exists()
    event = AuditEvent.objects.filter(action=AuditAction.ACTIVITY_CHANGED).latest("pk")
    assert (event.before or {})["deleted"] == first_id


def test_reorder_and_move_activities(content_manager, campaign):
    a, b, c = (
        services.add_activity(
            by=content_manager, campaign=campaign, kind=ActivityKind.OWN_POST, title=t, topic="t"
        )
        for t in "abc"
    )
    assert [x.title for x in campaign.activities.all()] == ["a", "b", "c"]

    services.reorder_activities(by=content_manager, campaign=campaign, order=[c.pk, a.pk, b.pk])
    assert [x.title for x in campaign.activities.all()] == ["c", "a", "b"]

    services.move_activity(by=content_manager, activity=a, offset=-1)
    assert [x.title for x in campaign.activities.all()] == ["a", "c", "b"]

    services.move_activity(by=content_manager, activity=a, offset=-1)
    assert [x.title for x in campaign.activities.all()] == ["a", "c", "b"]

    with pytest.raises(ValidationError):
        services.reorder_activities(by=content_manager, campaign=campaign, order=[a.pk, b.pk])


# --- Suggestions ----------------------------------------------------------------------


def test_suggestion_language_and_network_must_be_the_campaigns(content_manager, campaign):
    activity = add_share_link(campaign, content_manager, with_suggestion=False)

    with pytest.raises(ValidationError) as excinfo:
        services.add_suggestion(
            by=content_manager, activity=activity, language="fi", network="mastodon", text=" "
        )

    assert set(errors_of(excinfo)) == {"language", "network", "text"}


def test_one_suggestion_per_network_and_language(content_manager, campaign):
    activity = add_share_link(campaign, content_manager)
    services.add_suggestion(
        by=content_manager, activity=activity, language="en", network="x", text="Short for X"
    )

    with pytest.raises(ValidationError) as excinfo:
        services.add_suggestion(by=content_manager, activity=activity, language="en", text="Again")
    assert "already has a suggestion" in errors_of(excinfo)["network"][0]

    x_text = activity.suggestions.get(network="x")
    with pytest.raises(ValidationError):
        services.update_suggestion(
            by=content_manager, suggestion=x_text, language="en", network="", text="Clash"
        )
    x_text.refresh_from_db()
    assert (x_text.network, x_text.text) == ("x", "Short for X")
    assert activity.suggestions.count() == 2


def test_suggestion_changes_are_audited(content_manager, campaign):
    activity = add_share_link(campaign, content_manager)
    suggestion = activity.suggestions.get()

    services.update_suggestion(
        by=content_manager, suggestion=suggestion, language="de", text="Unser Frühling"
    )
    services.delete_suggestion(by=content_manager, suggestion=suggestion)

    events = list(AuditEvent.objects.filter(action=AuditAction.ACTIVITY_CHANGED).order_by("pk"))
    assert (events[-2].after or {})["text"] == "Unser Frühling"
    assert (events[-1].before or {})["language"] == "de"
    assert not Suggestion.objects.exists()


# --- Cloning --------------------------------------------------------------------------


def test_clone_copies_settings_activities_and_suggestions(content_manager, admin, approved, teams):
    approved.target_teams.set([teams["Sales"], teams["Engineering"]])
    original_activity = approved.activities.get()
    Activity.objects.filter(pk=original_activity.pk).update(points=25)
    services_activity_with_image = Activity.objects.create(
        campaign=approved,
        kind=ActivityKind.OWN_POST,
        title="With image",
        topic="t",
        image_alt="A red square",
        position=1,
    )
    services_activity_with_image.image.save("x.png", upload(), save=True)

    clone = services.clone_campaign(by=admin, campaign=approved)

    clone.refresh_from_db()
    assert clone.pk != approved.pk
    assert clone.name == "Spring launch (copy)"
    assert clone.state == CampaignState.DRAFT
    assert clone.cloned_from == approved
    assert clone.created_by == admin
    assert clone.submitted_by is None
    assert (clone.goal, clone.languages, clone.networks, clone.pilot_team) == (
        approved.goal,
        approved.languages,
        approved.networks,
        approved.pilot_team,
    )
    assert set(clone.target_teams.all()) == {teams["Sales"], teams["Engineering"]}
    copies = list(clone.activities.all())
    assert [(a.title, a.kind, a.points, a.link_url) for a in copies] == [
        ("Share the launch post", "share_link", 25, "https://acme.test/blog/spring"),
        ("With image", "own_post", 10, ""),
    ]
    assert [(s.language, s.network, s.text) for s in copies[0].suggestions.all()] == [
        ("en", "", "Our spring release is out!")
    ]
    assert copies[1].image.name != services_activity_with_image.image.name
    with copies[1].image.open("rb") as copied:
        assert copied.read() == image_bytes()
    assert copies[1].image_alt == "A red square"
    # The original is untouched.
    assert approved.activities.count() == 2
    assert Suggestion.objects.filter(activity__campaign=approved).count() == 1
    event = AuditEvent.objects.get(action=AuditAction.CAMPAIGN_CLONED)
    assert event.object_id == str(clone.pk)
    assert event.before == {"cloned_from": approved.pk}


def test_clone_leaves_out_evergreen_occurrences(content_manager, live):
    original = live.activities.get()
    Activity.objects.create(
        campaign=live, kind=original.kind, title="Occurrence", recurs_from=original, position=1
    )

    clone = services.clone_campaign(by=content_manager, campaign=live)

    assert [a.title for a in clone.activities.all()] == ["Share the launch post"]
    assert clone.activities.get().next_occurrence_at is None
