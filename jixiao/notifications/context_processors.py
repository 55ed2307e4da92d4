def unread(request):
    """The bell's count: read with the person by `SignedInBackend`, counted here for anyone else (a person
    signed in through another backend, or a page rendered for a user object made in the request)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = getattr(user, "unread_notification_count", None)
    if count is None:
        count = user.notifications.filter(read_at__isnull=True).count()
    return {"unread_notifications": count}
