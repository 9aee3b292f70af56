"""``import_bitrix24``: a whole Bitrix24 portal migrated through its REST webhook, one module
per kind of data, in the order their links need: users, reference lists, pipelines and
stages, custom fields, companies, contacts (with their companies), requisites, deals (with
their company and contacts), leads. ``run.migrate`` runs them; the Bitrix24 ids are kept in
``PortalMapping`` so that a second run updates what the first one wrote."""

from .clients import COMPANIES, CONTACTS
from .deals import DEALS, LEADS
from .fields import FieldsStep
from .lists import ListsStep
from .pipelines import PipelinesStep
from .requisites import RequisitesStep
from .users import UsersStep

STEPS = (UsersStep(), ListsStep(), PipelinesStep(), FieldsStep(), COMPANIES, CONTACTS,
         RequisitesStep(), DEALS, LEADS)  # fmt: skip
