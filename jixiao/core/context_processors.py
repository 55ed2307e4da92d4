from django.conf import settings


def site(request):
    return {"district_name": settings.DISTRICT_NAME}
