from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "chorus.networks"
    label = "networks"
