from django.urls import path  # noqa: F401

app_name = "register"
urlpatterns: list = []  # type: ignore[type-arg]
