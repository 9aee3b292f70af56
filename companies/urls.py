from django.urls import path

from crm.generic_views import FilterPresetView

from . import views

app_name = "companies"

urlpatterns = [
    path("companies/", views.CompanyListView.as_view(), name="company_list"),
    path("companies/add/", views.CompanyEditView.as_view(), name="company_add"),
    path("companies/bulk/", views.CompanyBulkView.as_view(), name="company_bulk"),
    path("companies/<int:pk>/", views.CompanyView.as_view(), name="company"),
    path("companies/<int:pk>/edit/", views.CompanyEditView.as_view(), name="company_edit"),
    path("companies/<int:pk>/delete/", views.CompanyDeleteView.as_view(), name="company_delete"),
    path("companies/<int:pk>/comment/", views.CompanyCommentView.as_view(), name="company_comment"),
    path(
        "companies/<int:pk>/link/", views.LinkView.as_view(model=views.Company), name="company_link"
    ),
    path(
        "companies/<int:pk>/unlink/<int:other>/",
        views.LinkView.as_view(model=views.Company, unlink=True),
        name="company_unlink",
    ),
    path(
        "companies/<int:pk>/link/lookup/",
        views.LinkLookupView.as_view(model=views.Company),
        name="company_link_lookup",
    ),
    path("contacts/", views.ContactListView.as_view(), name="contact_list"),
    path("contacts/add/", views.ContactEditView.as_view(), name="contact_add"),
    path("contacts/bulk/", views.ContactBulkView.as_view(), name="contact_bulk"),
    path("contacts/<int:pk>/", views.ContactView.as_view(), name="contact"),
    path("contacts/<int:pk>/edit/", views.ContactEditView.as_view(), name="contact_edit"),
    path("contacts/<int:pk>/delete/", views.ContactDeleteView.as_view(), name="contact_delete"),
    path("contacts/<int:pk>/comment/", views.ContactCommentView.as_view(), name="contact_comment"),
    path(
        "contacts/<int:pk>/link/", views.LinkView.as_view(model=views.Contact), name="contact_link"
    ),
    path(
        "contacts/<int:pk>/unlink/<int:other>/",
        views.LinkView.as_view(model=views.Contact, unlink=True),
        name="contact_unlink",
    ),
    path(
        "contacts/<int:pk>/link/lookup/",
        views.LinkLookupView.as_view(model=views.Contact),
        name="contact_link_lookup",
    ),
    path("filters/", FilterPresetView.as_view(), name="filter_preset"),
]
