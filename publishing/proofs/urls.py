"""Proofs of the planning board."""

from django.urls import path

from publishing.proofs import views

urlpatterns = [
    path("editorial/issues/<int:pk>/proof", views.board_proof, name="board_proof"),
    path("editorial/issues/<int:pk>/proof/<int:proof_id>/status", views.board_proof_status,
         name="board_proof_status"),
    path("editorial/issues/<int:pk>/proof/<int:proof_id>/<str:name>", views.board_proof_file,
         name="board_proof_file"),
]
