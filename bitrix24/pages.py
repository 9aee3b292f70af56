"""The webhooks page of one's profile (``/profile/webhooks/``): one's own incoming webhooks,
a new one made with its address shown this once, and revoking. Signed-in users only, each
seeing and revoking only their own."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from .models import Webhook
from .services import webhook_address, webhook_create, webhook_revoke


class WebhookForm(forms.Form):
    description = forms.CharField(label=gettext_lazy("What it is for"), max_length=255,
                                  required=False)  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def webhook_list(request):
    form = WebhookForm(request.POST or None)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            webhook, secret = webhook_create(user=request.user, **form.cleaned_data)
            created = webhook_address(request.build_absolute_uri("/"), webhook, secret)
            form = WebhookForm()
        else:
            status = 400
    webhooks = Webhook.objects.filter(user=request.user).order_by("-id")
    context = {"form": form, "webhooks": webhooks, "created": created}
    response = render(request, "bitrix24/webhooks.html", context, status=status)
    response["Cache-Control"] = "no-store"  # the new address is shown once, never cached
    return response


@login_required
@require_POST
def webhook_revoke_view(request, pk):
    webhook = get_object_or_404(Webhook, pk=pk, user=request.user)  # another's is a 404
    webhook_revoke(webhook=webhook)
    messages.success(request, _("The webhook “%s” is revoked.") % webhook)
    return redirect("bitrix24:webhooks")
