"""The printable quote or invoice: an HTML page and the same page as a PDF (WeasyPrint).

It is rendered in the document's language (``translation.override``), whoever prints it, with
the client's requisites (those of its company, else of its first contact, only if the reader
may read that client), our company's details from the settings (``Seller``), the contact's
salutation and the lines with their totals.
"""

from django.template.loader import render_to_string
from django.utils import translation

from companies.models import Company, Contact
from requisites.models import Requisite

from .models import Quote, Seller

# How a letter addresses a person, by the document's language and the HONORIFIC entry's code
# (Bitrix24's HNR_EN_1 Mr., HNR_EN_2 Mrs.): the grammar of each language's form of address,
# content of the document rather than text of the interface. Other entries, or none, fall
# back to the language's neutral form with the entry's name.
SALUTATIONS = {
    "en": {"HNR_EN_1": "Dear Mr. {name},", "HNR_EN_2": "Dear Mrs. {name},",
           "": "Dear {honorific} {name},"},
    "ru": {"HNR_EN_1": "Уважаемый господин {name}!", "HNR_EN_2": "Уважаемая госпожа {name}!",
           "": "Здравствуйте, {honorific} {name}!"},
    "fr": {"HNR_EN_1": "Monsieur {name},", "HNR_EN_2": "Madame {name},",
           "": "Bonjour {honorific} {name},"},
}  # fmt: skip


def salutation(contact: Contact | None, language: str) -> str:
    if contact is None:
        return ""
    name = contact.last_name or " ".join(p for p in (contact.first_name, contact.middle_name) if p)
    forms = SALUTATIONS.get(language, SALUTATIONS["en"])
    code = contact.honorific.code if contact.honorific_id else ""
    template = forms.get(code) or forms[""]
    honorific = contact.honorific.name if contact.honorific_id else ""
    return " ".join(template.format(name=name, honorific=honorific).split())


def _client_requisite(company, contact) -> Requisite | None:
    owner = {"company": company} if company is not None else {"contact": contact}
    if company is None and contact is None:
        return None
    return Requisite.objects.filter(**owner).prefetch_related("accounts").first()


def document_context(document, user) -> dict:
    """What the printed document shows its reader (who may read ``document``)."""
    company = Company.objects.restrict(user, "read").filter(pk=document.company_id).first()
    contacts = document.contacts.restrict(user, "read").select_related("honorific")
    contact = contacts.order_by("id").first()
    return {
        "document": document,
        "is_quote": isinstance(document, Quote),
        "lines": list(document.lines.all()),
        "company": company,
        "contact": contact,
        "salutation": salutation(contact, document.language),
        "requisite": _client_requisite(company, contact),
        "seller": Seller.objects.first(),
    }


def render_html(document, user, request=None, *, for_pdf=False) -> str:
    with translation.override(document.language):
        context = {**document_context(document, user), "for_pdf": for_pdf}
        return render_to_string("quotes/print.html", context, request=request)


def pdf_renderer():
    """WeasyPrint's ``HTML``, or None on a machine without Pango (which WeasyPrint loads when
    imported: only when a PDF is asked for, so the rest of the CRM runs without it)."""
    try:
        from weasyprint import HTML
    except OSError:
        return None
    return HTML


def render_pdf(document, user) -> bytes | None:
    """The document as a PDF, or None where PDFs cannot be rendered (no Pango)."""
    renderer = pdf_renderer()
    if renderer is None:
        return None
    return renderer(string=render_html(document, user, for_pdf=True)).write_pdf()
