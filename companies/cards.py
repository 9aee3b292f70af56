"""How a card shows a client's phones, e-mails and websites (``crm.cards``): each value as a
link to call, write or open, with its kind."""

from django.utils.html import format_html_join

from crm.cards import EMPTY, register_card_value
from crm.fields import FieldKind

from . import communications as comms
from .models import Communication
from .services import CHANNELS

Kind = Communication.Kind

_LINKS = {
    # How the number was understood, when it was not typed so: "01 42 00 00 01 +33 1 42 ...".
    comms.PHONE: ('<div><a href="tel:{}">{}</a> <span class="muted small">{}{}</span></div>',
                  lambda c: (c.normalized, c.value, _understood(c), _kind_label(c.kind))),
    comms.EMAIL: ('<div><a href="mailto:{}">{}</a> <span class="muted small">{}</span></div>',
                  lambda c: (c.value, c.value, _kind_label(c.kind))),
    comms.WEB: ('<div><a href="https://{}" rel="noopener nofollow" target="_blank">{}</a></div>',
                lambda c: (c.normalized, c.value)),
}  # fmt: skip


def _understood(phone) -> str:
    international = comms.phone_international(phone.normalized)
    return "" if international == phone.value.strip() else f"{international} · "


def _kind_label(kind: str):
    """A phone's or e-mail's kind, named: by the enum (``get_kind_display()`` rebuilds the
    field's choices for every call, 80 µs; a list page shows a hundred)."""
    return Kind(kind).label if kind in Kind.values else kind


def channel_values(item, field):
    """The values of one channel, read from the item's prefetched ``communications``."""
    channel = CHANNELS[field.code]
    template, parts = _LINKS[channel]
    values = [c for c in item.communications.all() if c.channel == channel]
    return format_html_join("", template, (parts(c) for c in values)) if values else EMPTY


def register_card_values() -> None:
    for kind in (FieldKind.PHONES, FieldKind.EMAILS, FieldKind.WEBSITES):
        register_card_value(kind, channel_values)
