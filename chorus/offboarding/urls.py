from django.urls import path

from chorus.offboarding import views

app_name = "offboarding"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("<int:report_id>/", views.report_detail, name="report"),
]
