from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "jixiao.workflow"
    verbose_name = "报送与审核"
