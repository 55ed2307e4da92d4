from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jixiao.notifications.services import notifications_mark_read


def notification_index(request):
    """The person's notification centre; reading it changes nothing, marking read is its own button."""
    notifications = list(request.user.notifications.all()[:100])
    return render(
        request,
        "notifications/index.html",
        {
            "notifications": notifications,
            "has_unread": any(n.read_at is None for n in notifications),
            "crumbs": [("通知", None)],
        },
    )


@require_POST
def notification_mark_read(request):
    notifications_mark_read(user=request.user)
    return redirect("notifications:index")
