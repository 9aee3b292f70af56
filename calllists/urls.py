from django.urls import path

from . import views

app_name = "calllists"

urlpatterns = [
    path("call-lists/", views.call_list_index, name="call_lists"),
    path("call-lists/new/<str:entity>/", views.call_list_new, name="call_list_new"),
    path("call-lists/<int:pk>/", views.call_list_view, name="call_list"),
    path("call-lists/<int:pk>/work/", views.call_list_work, name="call_list_work"),
]
