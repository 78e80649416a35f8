from django.urls import path

from chorus.rallies import views

app_name = "rallies"
urlpatterns = [
    path("", views.rally_list, name="list"),
    path("<int:rally_id>/", views.rally_detail, name="detail"),
    path("pledges/<int:pledge_id>/withdraw/", views.withdraw, name="withdraw"),
    path("manage/", views.manage_list, name="manage"),
    path("manage/new/", views.create, name="create"),
    path("manage/<int:rally_id>/", views.manage_detail, name="manage_detail"),
    path("manage/<int:rally_id>/cancel/", views.cancel, name="cancel"),
]
