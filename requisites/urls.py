"""The requisites section of company and contact cards (see ``views``)."""

from django.urls import path

from companies.models import Company, Contact

from . import views

app_name = "requisites"

urlpatterns = []
for prefix, model in (("companies", Company), ("contacts", Contact)):
    kind = model._meta.model_name
    urlpatterns += [
        path(
            f"{prefix}/<int:pk>/requisites/",
            views.RequisiteListView.as_view(model=model),
            name=f"{kind}_requisites",
        ),
        path(
            f"{prefix}/<int:pk>/requisites/add/",
            views.RequisiteAddView.as_view(model=model),
            name=f"{kind}_requisite_add",
        ),
        path(
            f"{prefix}/<int:pk>/requisites/<int:requisite_pk>/edit/",
            views.RequisiteEditView.as_view(model=model),
            name=f"{kind}_requisite_edit",
        ),
        path(
            f"{prefix}/<int:pk>/requisites/<int:requisite_pk>/delete/",
            views.RequisiteDeleteView.as_view(model=model),
            name=f"{kind}_requisite_delete",
        ),
    ]
