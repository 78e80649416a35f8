from django.urls import path

from chorus.sharing import views

app_name = "sharing"
urlpatterns = [
    path("programme/", views.programme, name="programme"),
    path("programme/join/", views.programme_join, name="programme_join"),
    path("programme/leave/", views.programme_leave, name="programme_leave"),
    path("programme/accounts/", views.programme_accounts, name="programme_accounts"),
    path("settings/", views.advocacy_settings, name="settings"),
    path("activities/<int:activity_id>/", views.compose, name="compose"),
    path("activities/<int:activity_id>/preview/", views.preview, name="preview"),
    path("activities/<int:activity_id>/feed/", views.feed_entry, name="feed_entry"),
    path("posts/", views.posts, name="posts"),
    path("posts/<int:post_id>/cancel/", views.post_cancel, name="post_cancel"),
    path("posts/<int:post_id>/now/", views.post_now, name="post_now"),
    path("posts/<int:post_id>/reschedule/", views.post_reschedule, name="post_reschedule"),
]
