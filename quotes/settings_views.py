"""The settings tab "Our company": the seller's name and requisites printed on documents."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from accessrights.decorators import settings_right_required
from crm.entities import SettingsTab

from . import services
from .models import Seller


def settings_tabs() -> list[SettingsTab]:
    def current(request) -> bool:
        match = request.resolver_match
        return match is not None and match.app_name == "quotes" and match.url_name == "seller"

    return [SettingsTab(gettext_lazy("Our company"), reverse("quotes:seller"), current)]


class SellerForm(forms.ModelForm):
    class Meta:
        model = Seller
        fields = ["name", "details"]
        widgets = {"details": forms.Textarea(attrs={"rows": 6})}


@method_decorator(settings_right_required, name="dispatch")
class SellerView(TemplateView):
    template_name = "quotes/seller.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response({"form": SellerForm(instance=Seller.objects.first())})

    def post(self, request, *args, **kwargs):
        form = SellerForm(request.POST)
        if form.is_valid():
            try:
                services.seller_update(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("quotes:seller")
        return self.render_to_response({"form": form})
