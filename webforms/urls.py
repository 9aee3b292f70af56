from django.urls import path

from . import settings_views, views

app_name = "webforms"

urlpatterns = [
    path("f/<str:key>/", views.page, name="page"),
    path("f/<str:key>/submit", views.submit, name="submit"),
    path("f/<str:key>/token", views.token, name="token"),
    path("f/<str:key>/challenge", views.challenge, name="challenge"),
    path("f/<str:key>/embed.js", views.embed, name="embed"),
    path("f/<str:key>/thanks", views.thanks, name="thanks"),
    path("webforms/", settings_views.form_list, name="form_list"),
    path("webforms/new/", settings_views.form_create, name="form_create"),
    path("webforms/<int:pk>/", settings_views.form_edit, name="form_edit"),
    path("webforms/<int:pk>/submissions/", settings_views.submission_list,
         name="submission_list"),
    path("webforms/<int:pk>/submissions/spam/delete/", settings_views.spam_purge,
         name="spam_purge"),
    path("webforms/<int:pk>/submissions/<int:sid>/retry/", settings_views.submission_retry,
         name="submission_retry"),
]  # fmt: skip
