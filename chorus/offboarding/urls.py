from django.urls import path  # noqa: F401

app_name = "offboarding"
urlpatterns: list = []  # type: ignore[type-arg]
