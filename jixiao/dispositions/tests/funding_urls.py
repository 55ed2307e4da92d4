"""The site's URLs plus a stand-in `funding:decide`, as the funding app will provide it."""

from django.http import HttpResponse
from django.urls import include, path

from jixiao.urls import urlpatterns as site_urlpatterns

funding_patterns = (
    [path("<int:project_id>/decide/", lambda request, project_id: HttpResponse(), name="decide")],
    "funding",
)

urlpatterns = [path("funding/", include(funding_patterns)), *site_urlpatterns]
