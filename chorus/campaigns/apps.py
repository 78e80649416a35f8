from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "chorus.campaigns"
    label = "campaigns"
