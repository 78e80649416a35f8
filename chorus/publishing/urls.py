from django.urls import path

from chorus.publishing import views

app_name = "publishing"
urlpatterns = [
    path("<int:post_id>/", views.post_detail, name="post"),
    path("<int:post_id>/retry/", views.retry, name="post_retry"),
]
