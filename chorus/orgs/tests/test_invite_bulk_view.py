import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.orgs.models import Invitation, Team
from chorus.orgs.roles import Role

pytestmark = pytest.mark.usefixtures("immediate_tasks")


@pytest.fixture
def bulk_url(organisation):
    return f"/o/{organisation.slug}/people/invite/bulk/"


def upload(client, path, data: bytes):
    return client.post(
        path, {"csv_file": SimpleUploadedFile("people.csv", data, content_type="text/csv")}
    )


def row_errors(response) -> dict[int, list[str]]:
    result = response.context["result"]
    return {row.line: list(row.errors) for row in result.rows if row.errors}


def file_errors(response) -> list[str]:
    result = response.context["result"]
    if result is not None:
        return list(result.file_errors)
    return list(response.context["form"].errors["csv_file"])


def test_valid_file_invites_everyone_with_role_and_teams(
    admin, teams, organisation, login, smtp, bulk_url, django_capture_on_commit_callbacks
):
    data = (
        "\ufeffEmail,Full_Name,Role,Teams\n"
        "ana@example.com,Ana Example,employee,Sales;nordics\n"
        "\n"
        "BEN@example.com,Ben Example,Content manager,\n"
        'cy@example.com,"Cy, Example",,Engineering\n'
    ).encode()
    client = login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, bulk_url, data)

    assert response.status_code == 302
    assert response["Location"] == f"/o/{organisation.slug}/people/"
    invitations = {i.email: i for i in Invitation.objects.all()}
    assert set(invitations) == {"ana@example.com", "ben@example.com", "cy@example.com"}
    assert invitations["ana@example.com"].full_name == "Ana Example"
    assert invitations["ana@example.com"].role == Role.EMPLOYEE
    assert set(invitations["ana@example.com"].teams.all()) == {teams["Sales"], teams["Nordics"]}
    assert invitations["ben@example.com"].role == Role.CONTENT_MANAGER
    assert not invitations["ben@example.com"].teams.exists()
    assert invitations["cy@example.com"].full_name == "Cy, Example"
    assert invitations["cy@example.com"].role == Role.EMPLOYEE
    assert list(invitations["cy@example.com"].teams.all()) == [teams["Engineering"]]

    assert sorted(str(m["To"]) for m in smtp.mailbox.messages) == sorted(invitations)
    assert AuditEvent.objects.filter(action=AuditAction.INVITATION_SENT).count() == 3
    assert "3 invitations sent." in client.get(response["Location"]).content.decode()


def test_malformed_rows_are_reported_by_line_and_nobody_is_invited(
    admin,
    employee,
    teams,
    organisation,
    login,
    smtp,
    bulk_url,
    snapshot,
    django_capture_on_commit_callbacks,
):
    data = (
        b"email,full_name,role,teams\n"
        b"good@example.com,Good,employee,Sales\n"
        b"not-an-email,Bad,employee,\n"
        b"\n"
        b"role@example.com,Role,emperor,\n"
        b"team@example.com,Team,employee,Sales;Marketing\n"
        b"twice@example.com,Twice,employee,\n"
        b"Twice@example.com,Twice again,employee,\n"
        b"erin.employee@acme.test,Erin,employee,\n"
        b"boss@example.com,Boss,owner,\n"
    )
    before = snapshot(organisation)

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(login(admin), bulk_url, data)

    assert response.status_code == 200
    assert row_errors(response) == {
        3: ["“not-an-email” is not a valid email address."],
        5: ["“emperor” is not a role."],
        6: ["There is no team called “Marketing”."],
        8: ["twice@example.com appears more than once in the file."],
        9: ["erin.employee@acme.test is already a member of this organisation."],
        10: ["You cannot give the role “owner”."],
    }
    page = response.content.decode()
    assert "Nothing was sent: the file has problems" in page
    assert "<td>5</td><td>role@example.com</td>" in page
    assert snapshot(organisation) == before
    assert not Invitation.objects.exists()
    assert smtp.mailbox.messages == []


def test_owner_may_invite_owners_in_bulk(owner, login, bulk_url):
    response = upload(login(owner), bulk_url, b"email,role\nco-owner@example.com,owner\n")

    assert response.status_code == 302
    assert Invitation.objects.get().role == Role.OWNER


def test_teams_of_another_organisation_are_unknown(
    admin, other_organisation, organisation, login, bulk_url, snapshot
):
    Team.objects.create(organisation=other_organisation, name="Globex spies")
    before = snapshot(organisation)

    response = upload(login(admin), bulk_url, b"email,teams\nana@example.com,Globex spies\n")

    assert row_errors(response) == {2: ["There is no team called “Globex spies”."]}
    assert snapshot(organisation) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("email,role\nzoë@example.com,employee\n".encode("latin-1"), "The file is not UTF-8 text."),
        (b"address,role\nana@example.com,employee\n", "including “email”"),
        (b"ana@example.com,employee\n", "including “email”"),
        (b"", "The submitted file is empty."),
        (b"email,role\n", "The file holds no one to invite."),
        (b"email,role\n,\n,\n", "The file holds no one to invite."),
    ],
)
def test_unusable_files_give_a_clear_file_error(
    data, message, admin, organisation, login, bulk_url, snapshot
):
    before = snapshot(organisation)

    response = upload(login(admin), bulk_url, data)

    assert response.status_code == 200
    assert any(message in error for error in file_errors(response))
    assert message in response.content.decode().replace("&quot;", '"')
    assert snapshot(organisation) == before


def test_too_many_rows_is_a_file_error(admin, organisation, login, bulk_url, settings, snapshot):
    settings.INVITATION_CSV_MAX_ROWS = 2
    before = snapshot(organisation)
    rows = "".join(f"person{n}@example.com,employee\n" for n in range(3))

    response = upload(login(admin), bulk_url, f"email,role\n{rows}".encode())

    assert file_errors(response) == ["The file has more than 2 rows."]
    assert snapshot(organisation) == before


def test_exactly_the_maximum_number_of_rows_is_accepted(admin, login, bulk_url, settings):
    settings.INVITATION_CSV_MAX_ROWS = 2
    rows = "".join(f"person{n}@example.com,employee\n" for n in range(2))

    response = upload(login(admin), bulk_url, f"email,role\n{rows}".encode())

    assert response.status_code == 302
    assert Invitation.objects.count() == 2


def test_broken_csv_is_a_file_error(admin, organisation, login, bulk_url, snapshot):
    before = snapshot(organisation)
    huge_field = "x" * 200_000

    response = upload(
        login(admin), bulk_url, f"email,full_name\na@example.com,{huge_field}\n".encode()
    )

    assert any(error.startswith("The file is not valid CSV") for error in file_errors(response))
    assert snapshot(organisation) == before


def test_missing_file_is_a_form_error(admin, login, bulk_url):
    response = login(admin).post(bulk_url, {"csv_file": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["csv_file"] == ["This field is required."]
