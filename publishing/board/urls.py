"""The issue planning board; it sits in the editors' workspace."""

from django.urls import path

from publishing.board import views

urlpatterns = [
    path("editorial/issues/", views.board, name="board"),
    path("editorial/issues/<int:pk>/", views.board_issue, name="board_issue"),
    path("editorial/issues/<int:pk>/front", views.board_front, name="board_front"),
    path("editorial/issues/<int:pk>/add", views.board_add, name="board_add"),
    path("editorial/issues/<int:pk>/remove", views.board_remove, name="board_remove"),
    path("editorial/issues/<int:pk>/move", views.board_move, name="board_move"),
    path("editorial/issues/<int:pk>/move-section", views.board_section_move,
         name="board_section_move"),
    path("editorial/issues/<int:pk>/move-to-section", views.board_move_to_section,
         name="board_move_to_section"),
    path("editorial/issues/<int:pk>/access", views.board_access, name="board_access"),
    path("editorial/issues/<int:pk>/arrange", views.board_arrange, name="board_arrange"),
    path("editorial/issues/<int:pk>/print.pdf", views.board_print_pdf, name="board_print_pdf"),
]
