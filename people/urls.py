from django.urls import path

from . import language, views

app_name = "people"

urlpatterns = [
    path("language/", language.language_switch, name="language"),
    path("profile/", views.profile, name="profile"),
    path("profile/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("profile/token/", views.api_token, name="api_token"),
    path("people/<int:pk>/photo/", views.photo, name="photo"),
    path("welcome/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set_password"),
    path("settings/employees/", views.employee_list, name="employee_list"),
    path("settings/employees/add/", views.employee_add, name="employee_add"),
    path("settings/employees/<int:pk>/", views.employee_view, name="employee"),
    path("settings/employees/<int:pk>/invite/", views.employee_invite, name="employee_invite"),
    path("settings/employees/<int:pk>/active/", views.employee_active, name="employee_active"),
    path(
        "settings/employees/<int:pk>/hand-over/",
        views.employee_hand_over,
        name="employee_hand_over",
    ),
]
