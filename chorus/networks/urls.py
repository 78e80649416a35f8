from django.urls import path

from chorus.networks import views

app_name = "networks"
urlpatterns = [
    path("", views.accounts, name="accounts"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/connect/", views.connect_outbox, name="connect_outbox"),
    path("<int:account_id>/settings/", views.account_settings, name="account_settings"),
    path("<int:account_id>/disconnect/", views.disconnect, name="account_disconnect"),
    path("<int:account_id>/reconnect/", views.reconnect, name="account_reconnect"),
]
