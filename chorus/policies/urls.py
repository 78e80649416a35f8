from django.urls import path

from chorus.policies import views

app_name = "policies"
urlpatterns = [
    path("", views.policy, name="policy"),
    path("accept/", views.acknowledge, name="acknowledge"),
    path("versions/", views.history, name="history"),
    path("versions/<int:version_id>/", views.version, name="version"),
    path("edit/", views.edit, name="edit"),
    path("acknowledgments/", views.acknowledgments, name="acknowledgments"),
    path("acknowledgments/remind/", views.remind, name="remind"),
]
