from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "jixiao.organisations"
    verbose_name = "机构与人员"
