"""Campaigns in each state, made through the services, and images to upload."""

import io
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from chorus.campaigns import services
from chorus.campaigns.models import Activity, ActivityKind, Campaign
from chorus.orgs.models import Membership, Team

NOW = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def media_in_memory(settings):
    """Uploaded images stay in memory: tests write nothing to disk."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


def image_bytes(image_format: str = "PNG", size: tuple[int, int] = (4, 3)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=image_format)
    return buffer.getvalue()


def upload(
    name: str = "photo.png", content: bytes | None = None, content_type: str = "image/png"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, image_bytes() if content is None else content, content_type=content_type
    )


@pytest.fixture
def campaign(content_manager: Membership) -> Campaign:
    return services.create_campaign(
        by=content_manager,
        name="Spring launch",
        goal="Tell people about the spring release",
        languages=["en", "de"],
        networks=["linkedin", "x"],
    )


def add_share_link(campaign: Campaign, by: Membership, *, with_suggestion: bool = True) -> Activity:
    activity = services.add_activity(
        by=by,
        campaign=campaign,
        kind=ActivityKind.SHARE_LINK,
        title="Share the launch post",
        link_url="https://acme.test/blog/spring",
        link_title="Spring is here",
        link_description="Everything new this spring",
    )
    if with_suggestion:
        services.add_suggestion(
            by=by, activity=activity, language="en", text="Our spring release is out!"
        )
    return activity


@pytest.fixture
def pilot_team(teams: dict[str, Team], employee: Membership, responder: Membership) -> Team:
    team = teams["Nordics"]
    employee.teams.add(team)
    responder.teams.add(team)
    return team


@pytest.fixture
def ready_campaign(campaign: Campaign, content_manager: Membership, pilot_team: Team) -> Campaign:
    """A draft with an activity, a suggestion and a pilot team: ready to submit."""
    add_share_link(campaign, content_manager)
    services.update_campaign(
        by=content_manager,
        campaign=campaign,
        name=campaign.name,
        goal=campaign.goal,
        languages=campaign.languages,
        networks=campaign.networks,
        pilot_team=pilot_team,
    )
    return campaign


@pytest.fixture
def in_review(ready_campaign: Campaign, content_manager: Membership) -> Campaign:
    services.submit_campaign(by=content_manager, campaign=ready_campaign)
    return ready_campaign


@pytest.fixture
def approved(in_review: Campaign, reviewer: Membership) -> Campaign:
    services.approve_campaign(by=reviewer, campaign=in_review)
    return in_review


@pytest.fixture
def in_pilot(approved, content_manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.start_pilot(by=content_manager, campaign=approved)
    return approved


@pytest.fixture
def live(approved, content_manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.go_live(by=content_manager, campaign=approved)
    return approved
