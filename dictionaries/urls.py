from django.urls import path

from . import card_layout_views, custom_field_views, views

app_name = "dictionaries"

urlpatterns = [
    path("dictionaries/", views.dictionary_index, name="dictionary_index"),
    path("dictionaries/<str:list_code>/", views.dictionary_view, name="dictionary"),
    path("dictionaries/<str:list_code>/add/", views.entry_add, name="entry_add"),
    path("dictionaries/<str:list_code>/reorder/", views.entry_reorder, name="entry_reorder"),
    path("entries/<int:pk>/update/", views.entry_update, name="entry_update"),
    path("entries/<int:pk>/reset/", views.entry_reset, name="entry_reset"),
    path("entries/<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("pipelines/", views.pipeline_list, name="pipeline_list"),
    path("pipelines/add/", views.pipeline_add, name="pipeline_add"),
    path("pipelines/reorder/", views.pipeline_reorder, name="pipeline_reorder"),
    path("pipelines/<int:pk>/", views.pipeline_view, name="pipeline"),
    path("pipelines/<int:pk>/update/", views.pipeline_update, name="pipeline_update"),
    path("pipelines/<int:pk>/delete/", views.pipeline_delete, name="pipeline_delete"),
    path("fields/<str:entity>/", custom_field_views.custom_fields_page, name="custom_fields"),
    path(
        "fields/<str:entity>/<int:pk>/", custom_field_views.custom_field_page, name="custom_field"
    ),
    path(
        "fields/<str:entity>/<int:pk>/delete/",
        custom_field_views.custom_field_delete,
        name="custom_field_delete",
    ),
    path("cards/<str:entity>/", card_layout_views.card_layout_page, name="card_layout"),
]
