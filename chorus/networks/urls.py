from django.urls import path

from chorus.networks import page_views, views

app_name = "networks"
urlpatterns = [
    path("", views.accounts, name="accounts"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/connect/", views.connect_outbox, name="connect_outbox"),
    path("connect/bluesky/", views.connect_bluesky, name="connect_bluesky"),
    path("connect/<str:network>/start/", views.connect_start, name="connect_start"),
    path("connect/<str:network>/callback/", views.connect_callback, name="connect_callback"),
    path("connect/pages/", page_views.choose_page, name="choose_page"),
    path("networks/", views.network_apps, name="apps"),
    path("<int:account_id>/settings/", views.account_settings, name="account_settings"),
    path("<int:account_id>/disconnect/", views.disconnect, name="account_disconnect"),
    path("<int:account_id>/reconnect/", views.reconnect, name="account_reconnect"),
]
