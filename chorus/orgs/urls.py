from django.urls import path

from chorus.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.home, name="home"),
    path("people/", views.people, name="people"),
    path("people/<int:membership_id>/", views.member_detail, name="member"),
    path("people/<int:membership_id>/active/", views.member_set_active, name="member_active"),
    path("people/invite/", views.invite, name="invite"),
    path("people/invite/bulk/", views.invite_bulk, name="invite_bulk"),
    path(
        "people/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("teams/", views.teams, name="teams"),
    path("teams/<int:team_id>/", views.team_edit, name="team"),
    path("teams/<int:team_id>/delete/", views.team_delete, name="team_delete"),
    path("settings/", views.organisation_settings, name="settings"),
]
