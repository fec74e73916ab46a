"""URLs of the delivery app (mounted at the site root: each path is written in full)."""

from django.urls import path  # noqa: F401

app_name = "delivery"
urlpatterns: list = []
