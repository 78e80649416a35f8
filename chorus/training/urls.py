from django.urls import path

from chorus.training import views

app_name = "training"
urlpatterns = [
    path("", views.training_list, name="list"),
    path("<int:module_id>/", views.module_detail, name="module"),
    path("<int:module_id>/lessons/<int:lesson_id>/", views.lesson, name="lesson"),
    path("<int:module_id>/quiz/", views.quiz, name="quiz"),
    path("manage/", views.manage, name="manage"),
    path("manage/starters/", views.add_starters, name="add_starters"),
    path("manage/unlocks/", views.unlocks, name="unlocks"),
    path("manage/new/", views.module_create, name="module_create"),
    path("manage/<int:module_id>/", views.module_edit, name="module_edit"),
    path("manage/<int:module_id>/delete/", views.module_delete, name="module_delete"),
    path("manage/<int:module_id>/move/", views.module_move, name="module_move"),
    path("manage/<int:module_id>/progress/", views.progress, name="progress"),
    path("manage/<int:module_id>/lessons/new/", views.lesson_create, name="lesson_create"),
    path("manage/lessons/<int:lesson_id>/", views.lesson_edit, name="lesson_edit"),
    path("manage/lessons/<int:lesson_id>/delete/", views.lesson_delete, name="lesson_delete"),
    path("manage/lessons/<int:lesson_id>/move/", views.lesson_move, name="lesson_move"),
    path("manage/<int:module_id>/questions/new/", views.question_create, name="question_create"),
    path("manage/questions/<int:question_id>/", views.question_edit, name="question_edit"),
    path(
        "manage/questions/<int:question_id>/delete/",
        views.question_delete,
        name="question_delete",
    ),
    path("manage/questions/<int:question_id>/move/", views.question_move, name="question_move"),
]
