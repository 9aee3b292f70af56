"""Every write to quotes and invoices: lines and totals, stages, client links, conversions.

The item services of ``crm.services`` do validation, rights, edit conflicts and history; this
module adds the lines (checked, then their amounts computed by ``quotes.totals``, the totals
written with the document in one update, so history shows the total's change) and what stages
mean, with the rules of deal stages: a document starts in the first stage of its list, is
closed exactly when its stage is a success or failure stage, and moves only to a stage of its
own list. Errors: ``ValidationError``, ``PermissionDenied``, ``EditConflict``.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accessrights.restriction import check
from accessrights.rules import check_settings_right
from companies.models import Company
from crm.fields import service_fields
from crm.items import locked
from crm.services import ItemSpec, item_create, item_delete, item_update
from deals.models import Deal
from deals.services import (
    check_link_change,
    check_readable,
    initial_stage,
    record_link_change,
    set_contacts,
)
from dictionaries.models import Entry, Semantics
from timeline.models import EventKind
from timeline.services import event_record

from .fields import INVOICE_FIELDS, QUOTE_FIELDS, TOTALS
from .models import Invoice, Quote, Seller
from .totals import Amounts, document_amounts, line_amounts, minor_units

# A document of more lines than this is refused: no offer needs more, and each line is
# computed, stored and printed (a PDF of 500 lines is some 15 pages).
MAX_LINES = 500
MAX_QUANTITY = Decimal("1000000000")
LINE_FIELDS = ("product_name", "quantity", "unit", "price", "discount_percent", "tax_percent")
REFERENCES = ("stage", "company", "deal", "responsible")


def _prepare(item) -> None:
    """The first stage of its list unless given; the stage must be of its list, and decides
    ``closed``; the currency must be one documents can be written in (imports too)."""
    if item.stage_id is None:
        item.stage = initial_stage(item.stage_list)
    if item.stage.list_code != item.stage_list:
        message = _("“%s” is not a stage of this kind of item.") % item.stage
        raise ValidationError({"stage": message})
    item.closed = item.stage.semantics != Semantics.PROCESS
    minor_units(item.currency)


QUOTE = ItemSpec(Quote, service_fields(QUOTE_FIELDS), prepare=_prepare)
INVOICE = ItemSpec(Invoice, service_fields(INVOICE_FIELDS), prepare=_prepare)


# Lines


def _line_error(number: int, message: str) -> ValidationError:
    return ValidationError({"lines": _("Line %(number)d: %(message)s") % {
        "number": number, "message": message}})  # fmt: skip


def _decimal(value, number: int, label: str, *, places: int, low, high) -> Decimal:
    """``value`` (a Decimal, an int or text; a float as it prints) as a Decimal of at most
    ``places`` decimals within [low, high]."""
    if value is None or value == "":
        value = "0"
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise _line_error(number, _("%s must be a number.") % label)
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation:
        raise _line_error(number, _("%s must be a number.") % label) from None
    if not result.is_finite() or result.as_tuple().exponent < -places:
        raise _line_error(
            number, _("%(label)s takes at most %(places)d decimals.") % {
                "label": label, "places": places})  # fmt: skip
    if not low <= result <= high:
        raise _line_error(
            number, _("%(label)s must be between %(low)s and %(high)s.") % {
                "label": label, "low": low, "high": high})  # fmt: skip
    return result


def parse_lines(lines, currency: str) -> list[tuple[dict, Amounts]]:
    """The checked lines (dicts of ``LINE_FIELDS``) with their amounts in ``currency``."""
    places = minor_units(currency)
    if not isinstance(lines, list | tuple):
        raise ValidationError({"lines": _("Give the lines as a list.")})
    if len(lines) > MAX_LINES:
        message = _("A document has at most %(max)d lines, not %(count)d.")
        raise ValidationError({"lines": message % {"max": MAX_LINES, "count": len(lines)}})
    parsed = []
    for number, line in enumerate(lines, start=1):
        if not isinstance(line, dict):
            raise _line_error(number, _("give its product, quantity and price."))
        unknown = set(line) - set(LINE_FIELDS)
        if unknown:
            names = ", ".join(sorted(map(str, unknown)))
            raise _line_error(number, _("unknown fields: %s.") % names)
        name = line.get("product_name")
        name = name.strip() if isinstance(name, str) else ""
        if not name or len(name) > 255:
            raise _line_error(number, _("give a product name of 1 to 255 characters."))
        unit = line.get("unit") or ""
        if not isinstance(unit, str) or len(unit.strip()) > 20:
            raise _line_error(number, _("a unit has at most 20 characters."))
        quantity = _decimal(line.get("quantity", 1), number, _("The quantity"), places=4,
                            low=Decimal("0.0001"), high=MAX_QUANTITY)  # fmt: skip
        price = _decimal(line.get("price"), number, _("The price"), places=2, low=0,
                         high=Decimal("9999999999999.99"))  # fmt: skip
        discount = _decimal(line.get("discount_percent"), number, _("The discount"), places=2,
                            low=0, high=100)  # fmt: skip
        tax = _decimal(line.get("tax_percent"), number, _("The tax rate"), places=2, low=0,
                       high=100)  # fmt: skip
        cleaned = {"product_name": name, "quantity": quantity, "unit": unit.strip(),
                   "price": price, "discount_percent": discount, "tax_percent": tax}  # fmt: skip
        parsed.append((cleaned, line_amounts(quantity, price, discount, tax, places)))
    return parsed


def _totals(parsed) -> dict:
    total = document_amounts([amounts for _line, amounts in parsed])
    return {"net_amount": total.net, "tax_amount": total.tax, "amount": total.gross}


def stored_lines(document) -> list[dict]:
    """A document's lines as the services take them (to copy or recompute them)."""
    return [{name: getattr(line, name) for name in LINE_FIELDS} for line in document.lines.all()]


def _write_lines(document, parsed, *, replace: bool) -> None:
    model = document.lines.model
    if replace:
        document.lines.all().delete()
    model.objects.bulk_create(
        model(document=document, sort=sort, net_amount=amounts.net, tax_amount=amounts.tax,
              amount=amounts.gross, **cleaned)
        for sort, (cleaned, amounts) in enumerate(parsed)
    )  # fmt: skip


# Create, update, move, delete


def _refuse_totals(fields: dict) -> None:
    """The totals follow the lines: a door that offers them (an import's column, the Bitrix24
    facade's OPPORTUNITY) gets a refusal naming them."""
    given = sorted(set(fields) & set(TOTALS))
    if given:
        message = _("The totals are computed from the lines.")
        raise ValidationError(dict.fromkeys(given, message))


def _number(item) -> None:
    """A document without a number gets its id as one."""
    if not item.number:
        item.number = str(item.pk)
        type(item).objects.filter(pk=item.pk).update(number=item.number)


def _create(spec: ItemSpec, user, contacts, lines, fields):
    _refuse_totals(fields)
    check_readable(user, [fields.get("company"), fields.get("deal")])
    parsed = parse_lines(lines, fields.get("currency", ""))
    item = item_create(spec, user=user, fields={**fields, **_totals(parsed)})
    _write_lines(item, parsed, replace=False)
    _number(item)
    for linked in (item.company, item.deal):
        record_link_change(user, item, None, linked)
    set_contacts(user, item, contacts)
    return item


def _update(spec: ItemSpec, user, item, expected_version, contacts, lines, fields):
    _refuse_totals(fields)
    item = locked(spec.model, item.pk, REFERENCES)  # the stored row, not a caller's copy
    before = {"company": item.company, "deal": item.deal}
    for name, old in before.items():
        check_link_change(user, fields, name, old)
    parsed = None
    if lines is not None or fields.get("currency", item.currency) != item.currency:
        given = stored_lines(item) if lines is None else lines
        parsed = parse_lines(given, fields.get("currency", item.currency))
        fields.update(_totals(parsed))
    item = item_update(
        spec, user=user, item=item, expected_version=expected_version, fields=fields,
        locked=True,
    )  # fmt: skip
    if parsed is not None:
        _write_lines(item, parsed, replace=True)
    for name, old in before.items():
        record_link_change(user, item, old, getattr(item, name))
    if contacts is not None:
        set_contacts(user, item, contacts)
    return item


@transaction.atomic
def quote_create(*, user, contacts=(), lines=(), **fields) -> Quote:
    """Create a quote with its ``lines`` (dicts of ``LINE_FIELDS``), in the first quote stage
    unless a stage is given."""
    return _create(QUOTE, user, contacts, lines, fields)


@transaction.atomic
def quote_update(*, user, quote, expected_version=None, contacts=None, lines=None, **fields):
    """Change the given fields; ``lines`` given replace every line (and the totals)."""
    return _update(QUOTE, user, quote, expected_version, contacts, lines, fields)


@transaction.atomic
def quote_delete(*, user, quote) -> None:
    item_delete(QUOTE, user=user, item=quote)


@transaction.atomic
def invoice_create(*, user, contacts=(), lines=(), **fields) -> Invoice:
    """Create an invoice with its ``lines``, in the first invoice stage unless given."""
    return _create(INVOICE, user, contacts, lines, fields)


@transaction.atomic
def invoice_update(*, user, invoice, expected_version=None, contacts=None, lines=None, **fields):
    """Change the given fields; ``lines`` given replace every line (and the totals)."""
    return _update(INVOICE, user, invoice, expected_version, contacts, lines, fields)


@transaction.atomic
def invoice_delete(*, user, invoice) -> None:
    item_delete(INVOICE, user=user, item=invoice)


def stage_by_code(model, code) -> Entry:
    """The stage of ``code`` in the list of ``model``'s stages; ValidationError otherwise."""
    stage = Entry.objects.filter(list_code=model.stage_list).with_code(str(code)).first()
    if stage is None:
        raise ValidationError({"stage": _("“%s” is not the code of a stage of this list.") % code})
    return stage


def move_to_stage(*, user, item, stage: Entry, expected_version=None):
    """Move a quote or an invoice to ``stage`` of its own list: the kanban's drag."""
    if not isinstance(stage, Entry) or stage.list_code != item.stage_list:
        raise ValidationError({"stage": _("Choose a stage of this kind of item.")})
    update = quote_update if isinstance(item, Quote) else invoice_update
    keyword = "quote" if isinstance(item, Quote) else "invoice"
    return update(user=user, expected_version=expected_version, stage=stage, **{keyword: item})


# Conversions


def _readable(user, model, pk):
    return model.objects.restrict(user, "read").filter(pk=pk).first() if pk else None


def _from_deal(user, deal: Deal, fields: dict) -> dict:
    check(user, "read", deal)
    lines = []
    if deal.amount:
        lines = [{"product_name": deal.title, "quantity": 1, "price": deal.amount}]
    return {
        "title": deal.title,
        "currency": deal.currency,
        "opened": deal.opened,  # a private deal's documents are private too
        "deal": deal,
        "company": _readable(user, Company, deal.company_id),
        "contacts": list(deal.contacts.restrict(user, "read")),
        "responsible": user,
        "lines": lines,
        **fields,
    }


@transaction.atomic
def quote_from_deal(*, user, deal: Deal, **fields) -> Quote:
    """A quote for a deal: its title, client and currency, its amount as one line."""
    return quote_create(user=user, **_from_deal(user, deal, fields))


@transaction.atomic
def invoice_from_deal(*, user, deal: Deal, **fields) -> Invoice:
    """An invoice for a deal: its title, client and currency, its amount as one line."""
    return invoice_create(user=user, **_from_deal(user, deal, fields))


@transaction.atomic
def invoice_from_quote(*, user, quote: Quote, **fields) -> Invoice:
    """An invoice from a quote: its lines copied, its client, deal, terms and language."""
    check(user, "read", quote)
    invoice = invoice_create(
        user=user,
        **{
            "title": quote.title,
            "currency": quote.currency,
            "opened": quote.opened,
            "terms": quote.terms,
            "language": quote.language,
            "deal": _readable(user, Deal, quote.deal_id),
            "company": _readable(user, Company, quote.company_id),
            "contacts": list(quote.contacts.restrict(user, "read")),
            "responsible": user,
            "lines": stored_lines(quote),
            **fields,
        },
    )
    Invoice.objects.filter(pk=invoice.pk).update(quote=quote)
    invoice.quote = quote
    event_record(item=quote, kind=EventKind.LINKED, author=user, related=invoice)
    event_record(item=invoice, kind=EventKind.LINKED, author=user, related=quote)
    return invoice


# Our company


@transaction.atomic
def seller_update(*, user, name: str, details: str) -> Seller:
    """Our company's name and requisites as documents print them (the settings right)."""
    check_settings_right(user)
    seller = Seller.objects.select_for_update().first() or Seller()
    seller.name, seller.details = name.strip(), details.strip()
    seller.full_clean()
    seller.save()
    return seller
