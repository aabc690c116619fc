"""Release actions of the planning board."""

from django.urls import path

from publishing.releases import views

urlpatterns = [
    path("editorial/issues/<int:pk>/schedule", views.board_schedule, name="board_schedule"),
    path("editorial/issues/<int:pk>/publish-now", views.board_publish_now,
         name="board_publish_now"),
    path("editorial/issues/<int:pk>/unschedule", views.board_unschedule,
         name="board_unschedule"),
    path("editorial/issues/<int:pk>/correct", views.board_correct, name="board_correct"),
]
