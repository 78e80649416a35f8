from django.urls import path

from chorus.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.notification_mark_all_read, name="mark_all_read"),
    path("settings/", views.notification_preferences, name="preferences"),
    path("<int:notification_id>/open/", views.notification_open, name="open"),
    path("<int:notification_id>/read/", views.notification_mark_read, name="mark_read"),
]
