from django.urls import path

from chorus.links import views

app_name = "links"
urlpatterns = [
    path("", views.my_links, name="mine"),
    path("settings/", views.link_settings, name="settings"),
    path("campaigns/<int:campaign_id>/", views.campaign_clicks, name="campaign"),
    path("<int:link_id>/disable/", views.disable, name="disable"),
    path("<int:link_id>/enable/", views.enable, name="enable"),
]
