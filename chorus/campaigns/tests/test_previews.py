"""Previews: the caption that applies per network and language, measured as each network does."""

from django.utils import translation

from chorus.campaigns.models import Activity, ActivityKind, Suggestion
from chorus.campaigns.previews import (
    ActivityPreview,
    CaptionPreview,
    domain_of,
    preview_activity,
    suggestion_for,
)

LINK = "https://www.acme.test/blog/a-rather-long-address-for-the-spring-release-announcement"


def share_link(**fields) -> Activity:
    return Activity(
        kind=ActivityKind.SHARE_LINK,
        title="Share",
        link_url=LINK,
        link_title="Spring is here",
        link_description="All that is new",
        **fields,
    )


def suggestion(text: str, *, language: str = "en", network: str = "") -> Suggestion:
    return Suggestion(text=text, language=language, network=network)


def captions_by_key(preview: ActivityPreview) -> dict[tuple[str, str], CaptionPreview]:
    return {(c.network, c.language): c for c in preview.captions}


def test_network_specific_suggestion_wins_over_the_general_one():
    general = suggestion("For everyone")
    for_x = suggestion("Just for X", network="x")
    german = suggestion("Für alle", language="de")
    suggestions = [general, for_x, german]

    assert suggestion_for(suggestions, network="x", language="en") is for_x
    assert suggestion_for(suggestions, network="linkedin", language="en") is general
    assert suggestion_for(suggestions, network="x", language="de") is german
    assert suggestion_for(suggestions, network="x", language="fi") is None


def test_a_preview_for_every_network_and_language():
    with translation.override("en"):
        preview = preview_activity(
            share_link(),
            suggestions=[suggestion("Hello"), suggestion("Hallo", language="de", network="x")],
            networks=["linkedin", "x"],
            languages=["en", "de"],
        )

    captions = captions_by_key(preview)
    assert set(captions) == {("linkedin", "en"), ("linkedin", "de"), ("x", "en"), ("x", "de")}
    assert captions["x", "de"].text == "Hallo\n" + LINK
    assert not captions["x", "de"].is_generic
    assert captions["x", "en"].is_generic
    assert captions["linkedin", "de"].suggestion is None
    assert captions["linkedin", "de"].text == ""
    assert [c.network for c in preview.missing] == ["linkedin"]
    assert captions["linkedin", "en"].network_label == "LinkedIn"
    assert captions["linkedin", "de"].language_label == "German"


def test_the_link_is_added_and_x_counts_it_as_23_characters():
    preview = preview_activity(
        share_link(),
        suggestions=[suggestion("Hello")],
        networks=["x", "linkedin", "bluesky"],
        languages=["en"],
    )

    captions = captions_by_key(preview)
    posted = f"Hello\n{LINK}"
    assert captions["x", "en"].text == posted
    assert captions["x", "en"].length == len("Hello\n") + 23
    assert captions["x", "en"].remaining == 280 - (6 + 23)
    assert captions["linkedin", "en"].length == len(posted)
    assert captions["linkedin", "en"].max_length == 3000
    assert captions["bluesky", "en"].length == len(posted)


def test_the_disclosure_counts_too():
    preview = preview_activity(
        share_link(),
        suggestions=[suggestion("Hello")],
        networks=["x"],
        languages=["en"],
        disclosure="#employee",
    )

    caption = preview.captions[0]
    assert caption.text.endswith("\n\n#employee")
    assert caption.length == 6 + 23 + 2 + len("#employee")


def test_over_the_limit_is_flagged_per_network():
    text = "é" * 290  # fits LinkedIn and Mastodon, not X or Bluesky once the link is added
    preview = preview_activity(
        Activity(kind=ActivityKind.OWN_POST, title="Write", topic="Spring"),
        suggestions=[suggestion(text)],
        networks=["x", "bluesky", "mastodon", "linkedin"],
        languages=["en"],
    )

    captions = captions_by_key(preview)
    assert captions["x", "en"].over_limit
    assert captions["x", "en"].over_by == 10
    assert not captions["bluesky", "en"].over_limit
    assert captions["bluesky", "en"].remaining == 10
    assert not captions["mastodon", "en"].over_limit
    assert preview.over_limit


def test_graphemes_count_once_on_bluesky():
    family = "👨‍👩‍👧"
    preview = preview_activity(
        Activity(kind=ActivityKind.OWN_POST, title="Write", topic="t"),
        suggestions=[suggestion(family * 3)],
        networks=["bluesky", "mastodon"],
        languages=["en"],
    )

    captions = captions_by_key(preview)
    assert captions["bluesky", "en"].length == 3
    assert captions["mastodon", "en"].length == len(family * 3)


def test_link_card_and_image():
    activity = share_link(image_alt="A red square")
    activity.image.name = "activities/2030/01/x.png"

    preview = preview_activity(activity, suggestions=[], networks=["x"], languages=["en"])

    assert preview.link_card is not None
    assert preview.link_card.title == "Spring is here"
    assert preview.link_card.description == "All that is new"
    assert preview.link_card.domain == "acme.test"
    assert preview.has_image
    assert preview.image_alt == "A red square"


def test_activities_without_links_have_no_card_and_likes_no_captions():
    own_post = preview_activity(
        Activity(kind=ActivityKind.OWN_POST, title="Write", topic="t"),
        suggestions=[],
        networks=["x"],
        languages=["en"],
    )
    like = preview_activity(
        Activity(kind=ActivityKind.LIKE, title="Like", post_url="https://social.test/1"),
        suggestions=[suggestion("ignored")],
        networks=["x"],
        languages=["en"],
    )

    assert own_post.link_card is None
    assert not own_post.has_image
    assert like.captions == []


def test_domain_of():
    assert domain_of("https://www.Example.org:8443/path?q=1") == "example.org"
    assert domain_of("not a url") == ""
