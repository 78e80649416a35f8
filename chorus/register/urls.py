from django.urls import path

from chorus.register import views

app_name = "register"
urlpatterns = [
    path("", views.entry_list, name="list"),
    path("add/", views.entry_add, name="add"),
    path("confirm/", views.confirm, name="confirm"),
    path("settings/", views.register_settings, name="settings"),
    path("<int:register_entry_id>/", views.entry_detail, name="entry"),
    path("<int:register_entry_id>/edit/", views.entry_edit, name="edit"),
    path("<int:register_entry_id>/remove/", views.entry_remove, name="remove"),
    path("<int:register_entry_id>/reviewed/", views.entry_reviewed, name="reviewed"),
    path("<int:register_entry_id>/delegate/", views.delegate, name="delegate"),
    path("delegations/<int:delegation_id>/revoke/", views.revoke, name="revoke"),
]
