from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "jixiao.monitoring"
    verbose_name = "监控周期与预警"

    def ready(self):
        """A project's details changed by hand (its key flag, its name) are recounted in the roll-up, in
        the same transaction, like a load's changes; a funding hold placed or lifted outdates what was
        worked out from its unit's data."""
        from django.db.models.signals import post_delete, post_save

        from jixiao.funding.models import FundingStatus
        from jixiao.monitoring.rollup import rollup_refresh_projects
        from jixiao.monitoring.versions import unit_versions_bump
        from jixiao.projects.models import Project
        from jixiao.projects.signals import project_details_changed

        def recount(sender, *, project, **kwargs):
            rollup_refresh_projects(project_ids=[project.pk])

        def funding_changed(sender, *, instance, **kwargs):
            unit_versions_bump(
                Project.objects.filter(pk=instance.project_id).values_list("owner_id", flat=True)
            )

        project_details_changed.connect(recount, weak=False, dispatch_uid="monitoring.rollup.project_details")
        for signal in (post_save, post_delete):
            signal.connect(
                funding_changed, sender=FundingStatus, weak=False, dispatch_uid="monitoring.versions.funding"
            )
