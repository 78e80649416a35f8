"""Owners and admins write the policy: a starter to begin with, drafts, preview, publishing."""

import pytest

from chorus.notifications.models import Notification
from chorus.policies.models import PolicyDraft, PolicyVersion
from chorus.policies.tests.helpers import publish
from chorus.publishing.models import Post, PostState
from chorus.publishing.tests.factories import connect, join_programme, scheduled_post

pytestmark = pytest.mark.django_db

EDIT = "/o/acme/policy/edit/"


def test_with_no_policy_the_editor_holds_the_starter_in_the_organisations_language(
    login, owner, organisation
):
    organisation.default_language = "fi"
    organisation.save()

    html = login(owner).get(EDIT).content.decode()

    assert "## Miksi meillä on tämä ohje" in html
    assert "Acme Ltd toivoo" in html
    assert "version 1.0" in html
    # The first version is always major: there is no choice to make.
    assert 'name="change"' not in html
    assert not PolicyVersion.objects.exists()


def test_the_starter_falls_back_to_english(login, owner):
    html = login(owner).get(EDIT).content.decode()

    assert "## Why we have this policy" in html


def test_saving_a_draft_publishes_nothing(login, owner, employee):
    client = login(owner)

    response = client.post(EDIT, {"text": "## My draft", "action": "save"})

    assert response.status_code == 302
    assert PolicyDraft.objects.get().text == "## My draft"
    assert not PolicyVersion.objects.exists()
    assert "## My draft" in client.get(EDIT).content.decode()
    assert "has not published" in login(employee).get("/o/acme/policy/").content.decode()


def test_preview_shows_the_text_as_members_will_see_it_safely(login, owner):
    response = login(owner).post(
        EDIT, {"text": "## Rules\n\n<script>alert(1)</script>", "action": "preview"}
    )

    html = response.content.decode()
    assert "<h2>Rules</h2>" in html
    assert "<script>alert(1)</script>" not in html
    assert not PolicyVersion.objects.exists()
    assert not PolicyDraft.objects.exists()


def test_publishing_the_first_version(login, owner, employee):
    join_programme(employee)
    post = scheduled_post(connect(employee))

    response = login(owner).post(
        EDIT, {"text": "## Rules", "summary": "Our first policy", "action": "publish"}, follow=True
    )

    version = PolicyVersion.objects.get()
    assert (version.number, version.summary, version.text) == (
        "1.0",
        "Our first policy",
        "## Rules",
    )
    html = response.content.decode()
    assert "Version 1.0 is published" in html
    assert "1 scheduled post is paused" in html
    assert Post.objects.get(pk=post.pk).state == PostState.PAUSED
    assert Notification.objects.filter(member=employee).exists()


def test_publishing_needs_a_summary(login, owner):
    response = login(owner).post(EDIT, {"text": "## Rules", "summary": "", "action": "publish"})

    assert response.status_code == 200
    assert "Say in a sentence what changed." in response.content.decode()
    assert not PolicyVersion.objects.exists()


def test_a_minor_version_is_chosen_in_the_editor(login, owner):
    publish(owner)
    client = login(owner)
    assert 'name="change"' in client.get(EDIT).content.decode()

    client.post(
        EDIT,
        {"text": "## Rules, fixed", "summary": "Typo", "change": "minor", "action": "publish"},
    )

    assert PolicyVersion.objects.values_list("major", "minor").first() == (1, 1)


def test_a_major_version_is_chosen_in_the_editor(login, admin, owner):
    publish(owner)

    login(admin).post(
        EDIT, {"text": "## New rules", "summary": "New", "change": "major", "action": "publish"}
    )

    assert PolicyVersion.objects.values_list("major", "minor").first() == (2, 0)


def test_the_editor_opens_with_the_current_version_once_published(login, owner):
    publish(owner, text="## Published words")

    assert "## Published words" in login(owner).get(EDIT).content.decode()


def test_a_post_without_an_action_changes_nothing(login, owner):
    response = login(owner).post(EDIT, {"text": "owned"})

    assert response.status_code == 400
    assert not PolicyDraft.objects.exists()
    assert not PolicyVersion.objects.exists()


@pytest.mark.parametrize("role", ["content_manager", "reviewer", "responder", "employee"])
def test_other_roles_cannot_write_the_policy(login, role, request):
    client = login(request.getfixturevalue(role))

    assert client.get(EDIT).status_code == 403
    response = client.post(EDIT, {"text": "x", "summary": "x", "action": "publish"})
    assert response.status_code == 403
    assert not PolicyVersion.objects.exists()
