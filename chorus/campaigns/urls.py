from django.urls import path

from chorus.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("<int:campaign_id>/", views.campaign_detail, name="detail"),
    path("<int:campaign_id>/edit/", views.campaign_edit, name="edit"),
    path("<int:campaign_id>/clone/", views.campaign_clone, name="clone"),
    path("<int:campaign_id>/transition/", views.campaign_transition, name="transition"),
    path("<int:campaign_id>/review/", views.campaign_review, name="review"),
    path("<int:campaign_id>/pilot/", views.pilot_feedback, name="pilot_feedback"),
    path("<int:campaign_id>/activities/new/", views.activity_add, name="activity_add"),
    path("activities/<int:activity_id>/", views.activity_edit, name="activity_edit"),
    path("activities/<int:activity_id>/delete/", views.activity_delete, name="activity_delete"),
    path("activities/<int:activity_id>/move/", views.activity_move, name="activity_move"),
    path("activities/<int:activity_id>/image/", views.activity_image, name="activity_image"),
    path(
        "activities/<int:activity_id>/suggestions/new/",
        views.suggestion_add,
        name="suggestion_add",
    ),
    path("suggestions/<int:suggestion_id>/", views.suggestion_edit, name="suggestion_edit"),
    path(
        "suggestions/<int:suggestion_id>/delete/",
        views.suggestion_delete,
        name="suggestion_delete",
    ),
]
