"""The notification list, marking read (one, by following it, or all) and the navigation count."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from chorus.notifications.context_processors import unread_notifications
from chorus.notifications.models import Notification, NotificationKind
from chorus.notifications.services import notify


@pytest.fixture
def list_url(organisation):
    return f"/o/{organisation.slug}/notifications/"


def make(member, *, rally: str, minutes_ago: int = 0, read: bool = False, url: str = "/o/acme/"):
    now = timezone.now()
    return Notification.objects.create(
        member=member,
        kind=NotificationKind.RALLY_FIRED,
        params={"rally": rally},
        url=url,
        created_at=now - timedelta(minutes=minutes_ago),
        read_at=now if read else None,
    )


def test_unread_first_then_newest(employee, login, list_url):
    make(employee, rally="Old unread", minutes_ago=30)
    make(employee, rally="Newest read", minutes_ago=1, read=True)
    make(employee, rally="New unread", minutes_ago=10)
    make(employee, rally="Older read", minutes_ago=60, read=True)

    response = login(employee).get(list_url)

    assert response.status_code == 200
    order = [n.params["rally"] for n in response.context["page_obj"]]
    assert order == ["New unread", "Old unread", "Newest read", "Older read"]
    page = response.content.decode()
    assert "The rally “New unread” reached its goal: your post is going out." in page
    assert "2 unread notifications" in page


def test_only_the_members_own_notifications_are_listed(employee, admin, outsider, login, list_url):
    make(employee, rally="Mine")
    make(admin, rally="Adams")
    make(outsider, rally="Globex")

    page = login(employee).get(list_url).content.decode()

    assert "Mine" in page
    assert "Adams" not in page
    assert "Globex" not in page


def test_empty_state(employee, login, list_url):
    page = login(employee).get(list_url).content.decode()

    assert "No notifications yet." in page
    assert "Mark all as read" not in page


def test_pages_of_thirty(employee, login, list_url):
    for number in range(35):
        make(employee, rally=f"Rally {number}", minutes_ago=number)
    client = login(employee)

    first = client.get(list_url)
    second = client.get(list_url, {"page": 2})

    assert len(first.context["page_obj"]) == 30
    assert [n.params["rally"] for n in second.context["page_obj"]] == [
        f"Rally {number}" for number in range(30, 35)
    ]
    assert "Page 1 of 2" in first.content.decode()


def test_following_a_notification_marks_it_read_and_goes_to_its_link(employee, login):
    notification = make(employee, rally="Launch", url="/o/acme/share/")

    response = login(employee).post(f"/o/acme/notifications/{notification.pk}/open/", {"page": "1"})

    assert response.status_code == 302
    assert response["Location"] == "/o/acme/share/"
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.parametrize("url", ["https://evil.example/phish", "//evil.example/x", ""])
def test_a_link_elsewhere_is_not_followed(employee, login, url, list_url):
    notification = make(employee, rally="Launch", url=url)

    response = login(employee).post(f"{list_url}{notification.pk}/open/")

    assert response["Location"] == list_url
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_one_read_returns_to_the_same_page(employee, login, list_url):
    notification = make(employee, rally="Launch")
    other = make(employee, rally="Other")

    response = login(employee).post(f"{list_url}{notification.pk}/read/", {"page": "2"})

    assert response["Location"] == f"{list_url}?page=2"
    notification.refresh_from_db()
    other.refresh_from_db()
    assert notification.read_at is not None
    assert other.read_at is None


def test_marking_read_again_keeps_the_first_time(employee, login, list_url):
    notification = make(employee, rally="Launch", read=True)
    first_read = notification.read_at

    login(employee).post(f"{list_url}{notification.pk}/read/")

    notification.refresh_from_db()
    assert notification.read_at == first_read


def test_someone_elses_notification_is_404(employee, admin, login, list_url):
    theirs = make(admin, rally="Adams")

    client = login(employee)

    assert client.post(f"{list_url}{theirs.pk}/read/").status_code == 404
    assert client.post(f"{list_url}{theirs.pk}/open/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_touches_only_the_members_own(employee, admin, login, list_url):
    mine = [make(employee, rally=f"R{n}") for n in range(3)]
    theirs = make(admin, rally="Adams")
    client = login(employee)

    response = client.post(f"{list_url}read-all/")

    assert response["Location"] == list_url
    assert all(
        n.read_at is not None for n in Notification.objects.filter(pk__in=[n.pk for n in mine])
    )
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "3 notifications marked as read." in client.get(list_url).content.decode()


def test_reading_views_need_post(employee, login, list_url):
    notification = make(employee, rally="Launch")
    client = login(employee)

    assert client.get(f"{list_url}{notification.pk}/read/").status_code == 405
    assert client.get(f"{list_url}{notification.pk}/open/").status_code == 405
    assert client.get(f"{list_url}read-all/").status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_outsider_gets_404(employee, outsider, login, list_url):
    notification = make(employee, rally="Launch")
    client = login(outsider)

    assert client.get(list_url).status_code == 404
    assert client.post(f"{list_url}{notification.pk}/open/").status_code == 404
    assert client.post(f"/o/globex/notifications/{notification.pk}/read/").status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_navigation_shows_the_unread_count_with_an_accessible_label(employee, login):
    for number in range(3):
        notify(member=employee, kind=NotificationKind.POSTS_CANCELLED, params={"count": number})
    make(employee, rally="Read", read=True)

    page = login(employee).get("/o/acme/").content.decode()

    assert 'aria-label="Notifications, 3 unread">Notifications<span' in page
    assert '<span class="badge nav-count" aria-hidden="true">3</span>' in page


def test_navigation_shows_no_count_when_all_is_read(employee, login):
    make(employee, rally="Read", read=True)

    page = login(employee).get("/o/acme/").content.decode()

    assert "nav-count" not in page
    assert "unread" not in page
    assert ">Notifications</a>" in page


def test_navigation_count_stops_at_99_plus(employee, login):
    Notification.objects.bulk_create(
        Notification(member=employee, kind=NotificationKind.POST_PUBLISHED) for _ in range(120)
    )

    page = login(employee).get("/o/acme/").content.decode()

    assert ">99+</span>" in page
    assert 'aria-label="Notifications, 99+ unread"' in page


def test_the_count_costs_one_query(employee, django_assert_num_queries):
    make(employee, rally="One")
    request = RequestFactory().get("/")
    request.member = employee  # type: ignore[attr-defined]
    context = unread_notifications(request)
    template = Template(
        "{{ unread_notifications.count }} {{ unread_notifications.shown }}"
        "{{ unread_notifications.count }}"
    )

    with django_assert_num_queries(1):
        assert template.render(Context(context)) == "1 11"
