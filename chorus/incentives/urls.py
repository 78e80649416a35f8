from django.urls import path  # noqa: F401

app_name = "incentives"
urlpatterns: list = []  # type: ignore[type-arg]
