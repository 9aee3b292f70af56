from django.apps import AppConfig, apps
from django.db import models


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = "CRM"

    def ready(self):
        from crm.validators import validate_text

        # One check for every door: text that PostgreSQL cannot store (NUL, lone surrogates)
        # is refused by full_clean(), which services, model forms and the admin all run.
        # Added to the validators in use, not to the field's arguments, so no migration.
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                text = isinstance(field, models.CharField | models.TextField | models.JSONField)
                if text and validate_text not in field.validators:  # parents' fields are shared
                    field.validators.append(validate_text)
