"""Every kind of notification in words, whatever its params, in the reader's language."""

import pytest
from django.utils import translation

from chorus.notifications.messages import action_for, label_for, message_for, subject_for
from chorus.notifications.models import Notification, NotificationKind

FULL_PARAMS = {
    NotificationKind.NEW_ACTIVITIES: {"campaign": 7, "name": "Spring launch", "count": 3},
    NotificationKind.POST_PUBLISHED: {"network": "linkedin"},
    NotificationKind.POST_FAILED: {"network": "linkedin", "reason": "The token expired"},
    NotificationKind.ACCOUNT_NEEDS_RECONNECT: {"account": "@erin", "network": "bluesky"},
    NotificationKind.ACCOUNT_EXPIRES_SOON: {
        "account": "erin-l",
        "network": "linkedin",
        "expires_at": "2026-07-03T10:00:00+00:00",
    },
    NotificationKind.POSTS_CANCELLED: {"count": 2},
    NotificationKind.RALLY_FIRED: {"rally": "Hiring week"},
    NotificationKind.RALLY_MISSED: {"rally": "Hiring week"},
    NotificationKind.CAMPAIGN_REVIEW: {"campaign": "Spring launch"},
    NotificationKind.PILOT_FEEDBACK: {"campaign": "Spring launch"},
    NotificationKind.POST_REVIEW_APPROVED: {"network": "mastodon"},
    NotificationKind.REGISTER_REVIEW_DUE: {"count": 2},
    NotificationKind.POLICY_PUBLISHED: {"version": "2.0", "count": 3},
    NotificationKind.POLICY_REMINDER: {"version": "2.0", "count": 1},
    NotificationKind.POSTS_PAUSED: {"version": "2.0", "count": 1},
}

EXPECTED_EN = {
    NotificationKind.NEW_ACTIVITIES: "3 new activities in Spring launch",
    NotificationKind.POST_PUBLISHED: "Your post on LinkedIn was published.",
    NotificationKind.POST_FAILED: "Your post on LinkedIn could not be published: The token expired",
    NotificationKind.ACCOUNT_NEEDS_RECONNECT: (
        "Reconnect your Bluesky account @erin: Chorus can no longer post with it."
    ),
    NotificationKind.ACCOUNT_EXPIRES_SOON: (
        "Your LinkedIn account erin-l stops working on July 3, 2026 unless you reconnect it "
        "before then."
    ),
    NotificationKind.POSTS_CANCELLED: "2 posts that had not gone out yet were cancelled.",
    NotificationKind.RALLY_FIRED: (
        "The rally “Hiring week” reached its goal: your post is going out."
    ),
    NotificationKind.RALLY_MISSED: (
        "The rally “Hiring week” did not reach its goal, so nothing was posted."
    ),
    NotificationKind.CAMPAIGN_REVIEW: "The campaign “Spring launch” is waiting for your review.",
    NotificationKind.PILOT_FEEDBACK: (
        "The campaign “Spring launch” is in pilot: tell us how your audience would read it."
    ),
    NotificationKind.POST_REVIEW_APPROVED: (
        "A reviewer approved your post on Mastodon; it can go out as planned."
    ),
    NotificationKind.REGISTER_REVIEW_DUE: (
        "2 accounts in the register are due for review: check their owners and access."
    ),
    NotificationKind.POLICY_PUBLISHED: (
        "Version 2.0 of the social media policy is out. Read and accept it: 3 scheduled posts "
        "of yours are paused until you do."
    ),
    NotificationKind.POLICY_REMINDER: (
        "A reminder: please read and accept version 2.0 of the social media policy. 1 post of "
        "yours is paused until you do."
    ),
    NotificationKind.POSTS_PAUSED: (
        "1 post of yours was paused: accept version 2.0 of the social media policy and it goes out."
    ),
}

BROKEN_PARAMS: list[object] = [
    {},
    None,
    [],
    "text",
    {"count": "many", "name": None, "network": 5, "reason": ["x"], "rally": 3, "campaign": 12},
    {"count": True, "name": "", "account": "   "},
]


def test_every_kind_has_an_expected_message():
    assert set(FULL_PARAMS) == set(NotificationKind) == set(EXPECTED_EN)


@pytest.mark.parametrize("kind", list(NotificationKind))
def test_each_kind_reads_its_params_in_english(kind):
    with translation.override("en"):
        assert message_for(kind=kind, params=FULL_PARAMS[kind]) == EXPECTED_EN[kind]


@pytest.mark.parametrize("language", ["en", "de", "cy"])
@pytest.mark.parametrize("params", BROKEN_PARAMS)
@pytest.mark.parametrize("kind", list(NotificationKind))
def test_missing_or_malformed_params_fall_back_to_the_label(kind, params, language):
    with translation.override(language):
        message = message_for(kind=kind, params=params)
        label = label_for(kind)

    assert message == label
    assert message


@pytest.mark.parametrize("kind", list(NotificationKind))
def test_each_kind_renders_in_german_with_its_params(kind):
    with translation.override("de"):
        message = message_for(kind=kind, params=FULL_PARAMS[kind])
        subject = subject_for(kind=kind, params=FULL_PARAMS[kind])
        action = action_for(kind=kind)

    assert message and subject and action
    assert message != label_for(kind)


def test_count_chooses_singular_or_plural():
    one = message_for(kind=NotificationKind.NEW_ACTIVITIES, params={"name": "Spring", "count": 1})
    many = message_for(kind=NotificationKind.POSTS_CANCELLED, params={"count": "4"})

    assert one == "1 new activity in Spring"
    assert many == "4 posts that had not gone out yet were cancelled."


def test_a_bare_campaign_id_is_no_name_to_show():
    message = message_for(kind=NotificationKind.NEW_ACTIVITIES, params={"campaign": 7, "count": 2})

    assert message == "New activities"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"network": "x"}, "Your post on X could not be published."),
        ({"reason": "Duplicate"}, "Your post could not be published: Duplicate"),
        (
            {"network": "mystery", "reason": "Gone"},
            "Your post on mystery could not be published: Gone",
        ),
    ],
)
def test_post_failed_uses_what_it_has(params, expected):
    assert message_for(kind=NotificationKind.POST_FAILED, params=params) == expected


def test_failure_subject_leaves_the_reason_for_the_body():
    subject = subject_for(
        kind=NotificationKind.POST_FAILED, params=FULL_PARAMS[NotificationKind.POST_FAILED]
    )

    assert subject == "Your post on LinkedIn was not published"


@pytest.mark.parametrize(
    ("decision", "expected"),
    [
        ("approved", "The campaign “Spring” was approved."),
        ("changes_requested", "Changes were requested to the campaign “Spring”."),
    ],
)
def test_campaign_review_decisions(decision, expected):
    params = {"campaign": "Spring", "decision": decision}

    assert message_for(kind=NotificationKind.CAMPAIGN_REVIEW, params=params) == expected


def test_pilot_feedback_from_someone():
    params = {"campaign": "Spring", "by": "Erin"}

    assert (
        message_for(kind=NotificationKind.PILOT_FEEDBACK, params=params)
        == "Erin gave pilot feedback on the campaign “Spring”."
    )


@pytest.mark.parametrize("params", BROKEN_PARAMS)
@pytest.mark.parametrize("kind", list(NotificationKind))
def test_subjects_and_actions_survive_broken_params(kind, params):
    with translation.override("de"):
        assert subject_for(kind=kind, params=params)
        assert action_for(kind=kind)


def test_an_unknown_kind_still_reads():
    assert message_for(kind="retired_kind", params={"x": 1}) == "Notification"


def test_the_model_reads_its_message():
    notification = Notification(kind=NotificationKind.RALLY_FIRED, params={"rally": "Launch"})

    assert notification.message == ("The rally “Launch” reached its goal: your post is going out.")
