from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "jixiao.dashboards"
    verbose_name = "工作台"

    def ready(self):
        """Each cycle's data version (`jixiao.monitoring.versions`), on which the cockpit, the key-item
        ranking and the final 附件2's rows key what they cache, follows every change they show, once it
        is committed. It is wired here, where every such model is in reach; the apps below import nothing
        from here: monitoring sends `rollup_changed` after a roll-up write, and packages, 附件2,
        rectification items, their evidence, funding holds, cycles and organisations are followed through
        their models' own signals."""
        from django.db.models.signals import post_delete, post_save

        from jixiao.funding.models import FundingStatus
        from jixiao.monitoring.models import CycleKind, MonitoringCycle
        from jixiao.monitoring.signals import rollup_changed
        from jixiao.monitoring.versions import bump_after_commit, cycle_version_bump
        from jixiao.organisations.models import Organisation
        from jixiao.projects.models import Project
        from jixiao.rectification.models import Evidence, RectificationItem
        from jixiao.review.models import Feedback
        from jixiao.workflow.models import Submission

        annual = MonitoringCycle.objects.filter(kind=CycleKind.ANNUAL).values_list("pk", flat=True)

        def rollup(sender, *, cycle_id, **kwargs):
            cycle_version_bump(cycle_ids=[cycle_id])

        def of_cycle(sender, *, instance, **kwargs):
            bump_after_commit([instance.cycle_id])

        def of_year(sender, *, instance, **kwargs):
            bump_after_commit(
                annual.filter(year__in=Project.objects.filter(pk=instance.project_id).values("year"))
            )

        def every_cycle(sender, **kwargs):
            bump_after_commit(annual.all())

        rollup_changed.connect(rollup, weak=False, dispatch_uid="dashboards.versions.rollup")
        receivers = [
            (Submission, of_cycle),
            (Feedback, of_cycle),
            (FundingStatus, of_year),
            # Overdue items of any cycle count in the bureau's work; every cycle's page lists the cycles.
            (RectificationItem, every_cycle),
            # The issued 附件2 shows each answer's evidence (its read rows are kept, `feedback_read_table`).
            (Evidence, every_cycle),
            (MonitoringCycle, every_cycle),
            (Organisation, every_cycle),
        ]
        for model, receiver in receivers:
            for signal in (post_save, post_delete):
                signal.connect(
                    receiver, sender=model, weak=False, dispatch_uid=f"dashboards.versions.{model.__name__}"
                )
