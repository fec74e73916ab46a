from django.urls import path

from dukcapil.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.resident_detail, name="resident"),
]
