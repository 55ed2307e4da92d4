from django.shortcuts import render

from jixiao.dashboards.cockpit import COCKPIT_ROLES
from jixiao.dashboards.cockpit_views import cockpit_page
from jixiao.dashboards.selectors import home_panels
from jixiao.monitoring.selectors import cycle_current
from jixiao.organisations.selectors import roles_of


def home(request):
    """The bureau's leaders and sections land on the cockpit; everyone else on their panels."""
    if roles_of(request.user) & COCKPIT_ROLES:
        return cockpit_page(request)
    cycle = cycle_current()
    return render(
        request,
        "dashboards/home.html",
        {"cycle": cycle, "panels": home_panels(user=request.user, cycle=cycle)},
    )
