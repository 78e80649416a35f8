from typing import Any

from chorus.notifications.models import DigestPreference, Notification, NotificationKind
from chorus.orgs.models import Membership


def _notify(
    member: Membership, kind: str = NotificationKind.POST_PUBLISHED, **params: Any
) -> Notification:
    return Notification.objects.create(member=member, kind=kind, params=params, url="/o/acme/")


def test_listing_ones_own_notifications_unread_first(employee, admin, api):
    read = _notify(employee)
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    unread = _notify(employee, NotificationKind.POSTS_CANCELLED, count=2, reason="You left.")
    _notify(admin)

    body = api(employee).get("/notifications").json()

    assert body["total"] == 2
    assert [n["id"] for n in body["items"]] == [unread.pk, read.pk]
    assert body["items"][0]["params"] == {"count": 2, "reason": "You left."}
    assert body["items"][0]["message"]
    assert body["items"][0]["read_at"] is None


def test_marking_one_read(employee, api):
    notification = _notify(employee)

    response = api(employee).post(f"/notifications/{notification.pk}/read")

    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_nobody_marks_a_colleagues_notification(employee, admin, api):
    notification = _notify(admin)

    assert api(employee).post(f"/notifications/{notification.pk}/read").status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_marking_all_read(employee, admin, api):
    _notify(employee)
    _notify(employee)
    theirs = _notify(admin)

    response = api(employee).post("/notifications/read-all")

    assert response.json() == {"marked_read": 2}
    assert not Notification.objects.filter(member=employee, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_reading_and_setting_the_digest(employee, api):
    client = api(employee)

    assert client.get("/notifications/digest").json() == {"frequency": "weekly"}
    response = client.put("/notifications/digest", {"frequency": "daily"})

    assert response.json() == {"frequency": "daily"}
    assert DigestPreference.objects.get(member=employee).frequency == "daily"
    assert client.get("/notifications/digest").json() == {"frequency": "daily"}


def test_an_unknown_digest_frequency_is_a_field_error(employee, api):
    response = api(employee).put("/notifications/digest", {"frequency": "hourly"})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["frequency"]
    assert not DigestPreference.objects.exists()
