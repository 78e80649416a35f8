"""Reads shared within a batch: once per set of arguments inside ``shared_reads``, else always."""

import pytest

from chorus.core.memo import shared_reads
from chorus.orgs.models import Membership, Organisation
from chorus.policies import selectors as policy_selectors
from chorus.policies.services import publish_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(owner: Membership) -> Organisation:
    publish_version(by=owner, text="Be kind online.", summary="First version", major=True)
    return owner.organisation


def test_outside_a_batch_every_call_reads(published, django_assert_num_queries):
    with django_assert_num_queries(2):
        policy_selectors.current_version(organisation=published)
        policy_selectors.current_version(organisation=published)


def test_inside_a_batch_the_same_arguments_read_once(published, django_assert_num_queries):
    with shared_reads(), django_assert_num_queries(1):
        first = policy_selectors.current_version(organisation=published)
        again = policy_selectors.current_version(organisation=published)

    assert first is again
    assert first is not None and first.number == "1.0"


def test_other_arguments_are_read_on_their_own(
    published, owner, employee, django_assert_num_queries
):
    other = Organisation.objects.create(name="Other Ltd", slug="other")
    version = policy_selectors.current_version(organisation=published)
    assert version is not None

    with shared_reads(), django_assert_num_queries(4):
        assert policy_selectors.current_version(organisation=published) == version
        assert policy_selectors.current_version(organisation=other) is None
        assert not policy_selectors.has_accepted(member=owner, version=version)
        assert not policy_selectors.has_accepted(member=employee, version=version)
        assert not policy_selectors.has_accepted(member=employee, version=version)


def test_a_batch_ends_with_its_block(published, owner, django_assert_num_queries):
    with shared_reads():
        policy_selectors.current_version(organisation=published)
    publish_version(by=owner, text="Be kind, and brief.", summary="Second version", major=False)

    with django_assert_num_queries(1):
        newer = policy_selectors.current_version(organisation=published)

    assert newer is not None and newer.number == "1.1"
