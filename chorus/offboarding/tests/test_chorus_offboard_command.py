"""chorus_offboard: the same offboarding, for an identity provider's scripts."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from chorus.offboarding.models import OffboardingReport
from chorus.register import services as register


def test_the_command_offboards_and_says_what_to_rotate(owner, admin, employee):
    register.add_entry(
        by=admin,
        network="x",
        handle="@acme",
        ownership="company",
        responsible=employee,
        credentials_place="The marketing password manager",
    )
    out = StringIO()

    call_command(
        "chorus_offboard", "acme", "ERIN.employee@acme.test", by=owner.user.email, stdout=out
    )

    employee.refresh_from_db()
    assert not employee.is_active
    report = OffboardingReport.objects.get()
    assert report.by == owner
    assert f"Report {report.pk}" in out.getvalue()
    assert "Rotate the credentials of x @acme (The marketing password manager)" in out.getvalue()


def test_an_unknown_member_or_a_refusal_is_an_error(owner, employee, content_manager):
    with pytest.raises(CommandError, match=r"nobody@acme\.test is not a member of acme"):
        call_command("chorus_offboard", "acme", "nobody@acme.test", by=owner.user.email)
    with pytest.raises(CommandError, match="cannot change your own"):
        call_command("chorus_offboard", "acme", owner.user.email, by=owner.user.email)

    assert not OffboardingReport.objects.exists()
