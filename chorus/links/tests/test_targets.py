"""Where a tracked link leads: the activity's URL, tagged with the organisation's UTM values."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.exceptions import ValidationError

from chorus.links import targets
from chorus.links.models import DEFAULT_UTM
from chorus.links.tests.conftest import make_share_activity

pytestmark = pytest.mark.django_db


def query_of(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def test_the_defaults_tag_network_medium_campaign_slug_and_activity(organisation):
    activity = make_share_activity(organisation, name="Spring Launch 2026", title="Solar tiles!")

    target = targets.target_for(activity=activity, network="linkedin", templates=DEFAULT_UTM)

    assert target == (
        "https://acme.test/solar?utm_source=linkedin&utm_medium=employee-advocacy"
        "&utm_campaign=spring-launch-2026&utm_content=solar-tiles"
    )


def test_an_existing_query_string_is_kept_byte_for_byte_and_first(organisation):
    url = "https://acme.test/p?b=2&a=%20x&flag&empty=#section-2"
    activity = make_share_activity(organisation, url=url)

    target = targets.target_for(activity=activity, network="bluesky", templates=DEFAULT_UTM)

    parts = urlsplit(target)
    assert parts.query.startswith("b=2&a=%20x&flag&empty=&utm_source=bluesky")
    assert parts.fragment == "section-2"
    assert parts.path == "/p"


def test_utm_values_already_in_the_url_win_over_the_templates(organisation):
    url = "https://acme.test/p?utm_source=newsletter&utm_campaign=hand-made"
    activity = make_share_activity(organisation, url=url)

    target = targets.target_for(activity=activity, network="mastodon", templates=DEFAULT_UTM)

    assert query_of(target) == [
        ("utm_source", "newsletter"),
        ("utm_campaign", "hand-made"),
        ("utm_medium", "employee-advocacy"),
        ("utm_content", "solar-roof-tiles"),
    ]


def test_values_are_encoded_and_empty_templates_leave_their_parameter_out(organisation):
    activity = make_share_activity(organisation, name="Ünïcode & Co")
    templates = {
        "utm_source": "{network} team",
        "utm_medium": "",
        "utm_campaign": "{campaign}&x=1",
        "utm_content": "id-{activity_id}",
    }

    target = targets.target_for(activity=activity, network="x", templates=templates)

    assert "utm_medium" not in target
    assert query_of(target) == [
        ("utm_source", "x team"),
        ("utm_campaign", "unicode-co&x=1"),
        ("utm_content", f"id-{activity.pk}"),
    ]
    assert "utm_campaign=unicode-co%26x%3D1" in target


def test_a_campaign_without_a_sluggable_name_falls_back_to_its_id(organisation):
    activity = make_share_activity(organisation, name="🚀🚀", title="✨")

    values = targets.placeholder_values(activity=activity, network="linkedin")

    assert values["campaign"] == f"campaign-{activity.campaign_id}"
    assert values["activity"] == f"activity-{activity.pk}"


def test_an_international_address_becomes_a_plain_uri(organisation):
    activity = make_share_activity(organisation, url="https://acme.test/päivä?q=ä")

    target = targets.target_for(activity=activity, network="linkedin", templates={})

    assert target == "https://acme.test/p%C3%A4iv%C3%A4?q=%C3%A4"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://acme.test/file", "/relative"])
def test_only_web_addresses_can_be_targets(organisation, url):
    activity = make_share_activity(organisation, url=url)

    with pytest.raises(ValidationError):
        targets.target_for(activity=activity, network="linkedin", templates=DEFAULT_UTM)


@pytest.mark.parametrize("template", ["{network}", "x-{campaign_id}-{activity}", "plain", ""])
def test_known_placeholders_are_accepted(template):
    targets.check_template(template)


@pytest.mark.parametrize("template", ["{member}", "{network.__class__}", "{", "{0}"])
def test_unknown_placeholders_and_stray_braces_are_refused(template):
    with pytest.raises(ValidationError):
        targets.check_template(template)


def test_codes_are_long_random_letters_and_digits():
    codes = {targets.new_code() for _ in range(2000)}

    assert len(codes) == 2000
    assert all(len(code) == 12 and code.isascii() and code.isalnum() for code in codes)
    assert all(targets.looks_like_code(code) for code in codes)


@pytest.mark.parametrize(
    "text", ["", "short", "abc/def12345", "a" * 40, "ÄÖÜäöüßabcde", "../../etc"]
)
def test_what_cannot_be_a_code_is_recognised_without_a_lookup(text):
    assert not targets.looks_like_code(text)
