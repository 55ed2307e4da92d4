from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "jixiao.rectification"
    verbose_name = "整改落实"

    def ready(self):
        """Issuing a 附件2 opens its rectification items in the same transaction (review imports nothing
        from here; it only sends `feedback_issued`)."""
        from jixiao.rectification.services import feedback_items_open
        from jixiao.review.signals import feedback_issued

        def open_items(sender, *, feedback, acting_user, **kwargs):
            feedback_items_open(feedback=feedback, acting_user=acting_user)

        feedback_issued.connect(open_items, weak=False, dispatch_uid="rectification.feedback_items_open")
