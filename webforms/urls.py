from django.urls import path

from . import views

app_name = "webforms"

urlpatterns = [
    path("f/<str:key>/", views.page, name="page"),
    path("f/<str:key>/submit", views.submit, name="submit"),
    path("f/<str:key>/token", views.token, name="token"),
    path("f/<str:key>/thanks", views.thanks, name="thanks"),
]
