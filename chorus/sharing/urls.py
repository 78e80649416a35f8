from django.urls import path  # noqa: F401

app_name = "sharing"
urlpatterns: list = []  # type: ignore[type-arg]
