from django.urls import path

from chorus.governance import views

app_name = "governance"
urlpatterns = [
    path("rules/", views.rule_list, name="rules"),
    path("rules/new/", views.rule_create, name="rule_create"),
    path("rules/try/", views.rule_try, name="rule_try"),
    path("rules/<int:rule_id>/", views.rule_edit, name="rule_edit"),
    path("rules/<int:rule_id>/delete/", views.rule_delete, name="rule_delete"),
    path("reviews/", views.review_queue, name="reviews"),
    path("reviews/<int:review_id>/decide/", views.review_decide, name="review_decide"),
    path("my-reviews/", views.my_reviews, name="my_reviews"),
]
