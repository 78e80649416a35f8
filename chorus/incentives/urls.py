from django.urls import path

from chorus.incentives import views

app_name = "incentives"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("mine/<int:programme_id>/", views.my_ledger, name="my_ledger"),
    path("programmes/<int:programme_id>/join/", views.join, name="join"),
    path("programmes/<int:programme_id>/leave/", views.leave, name="leave"),
    path("programmes/", views.programmes, name="programmes"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/<int:programme_id>/", views.programme, name="programme"),
    path("programmes/<int:programme_id>/edit/", views.programme_edit, name="programme_edit"),
    path("programmes/<int:programme_id>/pause/", views.pause, name="pause"),
    path("programmes/<int:programme_id>/resume/", views.resume, name="resume"),
    path("programmes/<int:programme_id>/end/", views.end, name="end"),
    path(
        "programmes/<int:programme_id>/members/<int:membership_id>/",
        views.member_ledger,
        name="member_ledger",
    ),
    path("programmes/<int:programme_id>/payouts/", views.payout_create, name="payout_create"),
    path("payouts/<int:batch_id>/", views.payout_download, name="payout_download"),
    path("holds/", views.holds, name="holds"),
    path("holds/<int:entry_id>/release/", views.release, name="release"),
    path("holds/<int:entry_id>/reject/", views.reject, name="reject"),
]
