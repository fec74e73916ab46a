"""URLs of the documents app (mounted at the site root: each path is written in full)."""

from django.urls import path  # noqa: F401

app_name = "documents"
urlpatterns: list = []
