from django.conf import settings


def site(request):
    context = {"district_name": settings.DISTRICT_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["unread_notifications"] = user.notifications.filter(read_at__isnull=True).count()
    return context
