from django.urls import path  # noqa: F401

app_name = "campaigns"
urlpatterns: list = []  # type: ignore[type-arg]
