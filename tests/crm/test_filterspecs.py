"""Filter specs: a list's query string as validated JSON and back, and the list it selects."""

import json

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django_filters.fields import BaseCSVField, DateRangeField, RangeField
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accessrights.models import Action, Scope
from companies import services
from companies.filters import CompanyFilterSet, ContactFilterSet
from companies.models import Company, Contact
from crm.filters import IdField, IdOrNameField
from crm.filterspecs import queryset_for, spec_from_query, spec_to_query
from deals.filters import DealFilterSet, LeadFilterSet
from tests.companies.helpers import entry
from tests.conftest import examples, sales_user
from tests.factories import UserFactory
from tests.helpers import give_role

pytestmark = pytest.mark.django_db

FILTERSETS = (CompanyFilterSet, ContactFilterSet, DealFilterSet, LeadFilterSet)


def query(text: str) -> QueryDict:
    return QueryDict(text)


def test_a_query_becomes_json_of_ids_codes_dates_and_strings(user):
    spec = spec_from_query(
        CompanyFilterSet,
        query(
            f"q=+acme+&type=PARTNER&type=CUSTOMER&type=PARTNER&responsible={user.pk}"
            "&created_at_after=2024-01-31&modified_at_before=&ordering=-name,created&phone="
        ),
    )
    assert spec == {
        "q": "acme",
        "type": ["CUSTOMER", "PARTNER"],
        "responsible": [user.pk],
        "created_at": {"after": "2024-01-31"},
        "ordering": "-name,created",
    }
    assert json.loads(json.dumps(spec)) == spec
    assert spec_to_query(spec).urlencode() == (
        f"responsible={user.pk}&created_at_after=2024-01-31&q=acme&type=CUSTOMER&type=PARTNER"
        "&ordering=-name%2Ccreated"
    )


def test_numbers_and_flags_keep_their_exact_value():
    spec = spec_from_query(
        DealFilterSet, query("amount_min=10.50&amount_max=1e3&closed=false&company=7")
    )
    assert spec == {"amount": {"min": "10.50", "max": "1E+3"}, "closed": False, "company": "7"}
    assert spec_to_query(spec).urlencode() == (
        "amount_min=10.50&amount_max=1E%2B3&company=7&closed=false"  # in the filters' order
    )


def test_an_empty_query_is_an_empty_spec():
    assert spec_from_query(ContactFilterSet, query("q=&phone=&created_at_after=")) == {}


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("colour=red", "colour", "There is no filter “colour” on this list."),
        ("created_at=2024-01-01", "created_at", "There is no filter “created_at” on this list."),
        ("page=2", "page", "There is no filter “page” on this list."),
        ("type=NOPE", "type", "Select a valid choice. NOPE is not one of the available choices."),
        ("responsible=abc", "responsible", "“abc” is not a valid value."),
        ("created_at_before=31.01.2024", "created_at", "Enter a valid date."),
        ("ordering=secret_field", "ordering", "Select a valid choice."),
        ("q=a%00b", "q", "Null characters are not allowed."),
    ],
)
def test_what_the_list_would_leave_out_is_refused_by_name(text, field, message):
    with pytest.raises(ValidationError) as refused:
        spec_from_query(CompanyFilterSet, query(text))
    assert field in refused.value.message_dict
    assert message in " ".join(refused.value.message_dict[field])


# queryset_for: restrict() plus the FilterSet, for the user the job works for


def test_the_list_is_the_users_restricted_list_filtered_as_the_page_filters_it(user):
    reader = UserFactory()
    give_role(reader, {"company": {Action.READ: Scope.ALL, Action.UPDATE: Scope.OWN}})
    customer, partner = entry("COMPANY_TYPE", "CUSTOMER"), entry("COMPANY_TYPE", "PARTNER")
    mine = services.company_create(user=user, name="Mine", type=customer, responsible=reader)
    services.company_create(user=user, name="Mine, a partner", type=partner, responsible=reader)
    theirs = services.company_create(user=user, name="Theirs", type=customer)
    spec = {"type": ["CUSTOMER"]}
    assert set(queryset_for(Company, CompanyFilterSet, reader, "read", spec)) == {mine, theirs}
    assert set(queryset_for(Company, CompanyFilterSet, reader, "update", spec)) == {mine}


def test_filters_that_read_the_request_filter_for_the_jobs_user(user):
    """``?company=`` finds nothing for a company its reader may not read (ReadableItemFilter)."""
    hidden = services.company_create(user=user, name="Hidden", opened=False)
    contact = services.contact_create(user=user, last_name="Smith", companies=[hidden])
    Contact.objects.filter(pk=contact.pk).update(opened=True)
    reader = UserFactory()
    give_role(reader, {"contact": {Action.READ: Scope.OPEN}})
    spec = {"company": str(hidden.pk)}
    assert list(queryset_for(Contact, ContactFilterSet, user, "read", spec)) == [contact]
    assert list(queryset_for(Contact, ContactFilterSet, reader, "read", {})) == [contact]
    assert list(queryset_for(Contact, ContactFilterSet, reader, "read", spec)) == []


@pytest.mark.parametrize("spec", [{"type": ["GONE"]}, {"colour": "red"}, {"q": ["a", "b"]}])
def test_a_spec_that_is_no_longer_valid_is_refused_not_widened(user, spec):
    with pytest.raises(ValidationError):
        queryset_for(Company, CompanyFilterSet, user, "read", spec)


# Property: a spec built from the real filters comes back as it was


def _text():
    characters = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
    return st.text(characters, min_size=1, max_size=30).filter(lambda s: s == s.strip() and s)


def _parts(suffixes, values):
    optional = dict.fromkeys(suffixes, values)
    return st.fixed_dictionaries({}, optional=optional).filter(bool)


def _values(field):
    """JSON values of one filter's form field, as the spec writes them."""
    if isinstance(field, DateRangeField):
        return _parts(field.widget.suffixes, st.dates().map(lambda d: d.isoformat()))
    if isinstance(field, RangeField):
        amounts = st.decimals(min_value=-(10**12), max_value=10**12, places=2).map(str)
        return _parts(field.widget.suffixes, amounts)
    if isinstance(field, BaseCSVField):
        choices = [value for value, _label in field.choices if value]
        return st.lists(st.sampled_from(choices), min_size=1, unique=True).map(",".join)
    if isinstance(field, forms.ModelMultipleChoiceField):
        ids = list(field.queryset.values_list("pk", flat=True))
        return st.lists(st.sampled_from(ids), min_size=1, unique=True).map(sorted)
    if isinstance(field, forms.ModelChoiceField):
        return st.sampled_from(list(field.queryset.values_list("pk", flat=True)))
    if isinstance(field, forms.MultipleChoiceField):
        codes = [value for value, _label in field.choices]
        return st.lists(st.sampled_from(codes), min_size=1, unique=True).map(sorted)
    if isinstance(field, forms.NullBooleanField):
        return st.booleans()
    if isinstance(field, IdField):
        return st.integers(min_value=1, max_value=10**18 - 1).map(str)  # parse_id: 18 digits
    if isinstance(field, IdOrNameField):  # a number, or words of a name
        return st.one_of(st.integers(min_value=1, max_value=10**18 - 1).map(str), _text())
    if isinstance(field, forms.DecimalField):
        return st.decimals(allow_nan=False, allow_infinity=False).map(str)
    if isinstance(field, forms.CharField):
        return _text()
    raise AssertionError(f"no values for a {type(field).__name__}: add them here")


def specs(filterset_class):
    fields = filterset_class().form.fields
    return st.fixed_dictionaries({}, optional={n: _values(f) for n, f in fields.items()})


@pytest.fixture
def people(db):
    return [sales_user(), sales_user(), UserFactory()]


@pytest.mark.parametrize("filterset_class", FILTERSETS, ids=lambda f: f.__name__)
@settings(
    max_examples=examples(200),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_spec_comes_back_from_its_query_as_it_was(filterset_class, people, data):
    spec = data.draw(specs(filterset_class))
    assert spec_from_query(filterset_class, spec_to_query(spec)) == spec
