from django.urls import path

from . import views

app_name = "accessrights"

urlpatterns = [
    path("", views.role_index, name="role_index"),
    path("roles/add/", views.role_add, name="role_add"),
    path("roles/<int:pk>/", views.role_view, name="role"),
    path("roles/<int:pk>/update/", views.role_update, name="role_update"),
    path("roles/<int:pk>/permission/", views.role_permission, name="role_permission"),
    path("roles/<int:pk>/assign/", views.role_assign, name="role_assign"),
    path("roles/<int:pk>/delete/", views.role_delete, name="role_delete"),
    path("departments/", views.department_list, name="department_list"),
    path("departments/add/", views.department_add, name="department_add"),
    path("departments/<int:pk>/", views.department_view, name="department"),
    path("departments/<int:pk>/delete/", views.department_delete, name="department_delete"),
]
