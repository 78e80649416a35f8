from django.urls import include, path

from chorus.accounts import views as account_views
from chorus.api.v1.api import api as api_v1
from chorus.orgs import views as org_views

urlpatterns = [
    path("", org_views.root, name="home"),
    path("accounts/", include("allauth.urls")),
    path("profile/", account_views.profile, name="profile"),
    path("language/", account_views.set_language, name="set_language"),
    path("invitation/", include("chorus.orgs.invitation_urls")),
    path("o/<slug:org>/", include("chorus.orgs.urls")),
    path("o/<slug:org>/audit/", include("chorus.audit.urls")),
    path("o/<slug:org>/campaigns/", include("chorus.campaigns.urls")),
    path("o/<slug:org>/share/", include("chorus.sharing.urls")),
    path("o/<slug:org>/posts/", include("chorus.publishing.urls")),
    path("o/<slug:org>/accounts/", include("chorus.networks.urls")),
    path("o/<slug:org>/notifications/", include("chorus.notifications.urls")),
    path("o/<slug:org>/my-data/", include("chorus.privacy.urls")),
    path("o/<slug:org>/rallies/", include("chorus.rallies.urls")),
    path("o/<slug:org>/governance/", include("chorus.governance.urls")),
    path("o/<slug:org>/api-tokens/", include("chorus.api.urls")),
    path("o/<slug:org>/links/", include("chorus.links.urls")),
    path("o/<slug:org>/policy/", include("chorus.policies.urls")),
    path("o/<slug:org>/training/", include("chorus.training.urls")),
    path("o/<slug:org>/register/", include("chorus.register.urls")),
    path("o/<slug:org>/offboarding/", include("chorus.offboarding.urls")),
    path("o/<slug:org>/incentives/", include("chorus.incentives.urls")),
    path("api/v1/", api_v1.urls),
]
