from django.urls import path

from dukcapil.accounts import views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.StaffLoginView.as_view(), name="login"),
    path("keluar/", views.StaffLogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
]
