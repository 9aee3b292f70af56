from django.apps import AppConfig


class DictionariesConfig(AppConfig):
    name = "dictionaries"
    verbose_name = "Reference lists and pipelines"
