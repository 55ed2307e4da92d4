from django.apps import AppConfig


class ScoresConfig(AppConfig):
    name = "jixiao.scores"
    verbose_name = "监控评分"

    def ready(self):
        """Closing a cycle freezes its scores in the same transaction (monitoring imports nothing from here;
        it only sends `cycle_closed`)."""
        from jixiao.monitoring.signals import cycle_closed
        from jixiao.scores.services import scores_freeze

        def freeze(sender, *, cycle, acting_user, **kwargs):
            scores_freeze(cycle=cycle, acting_user=acting_user)

        cycle_closed.connect(freeze, weak=False, dispatch_uid="scores.scores_freeze")
