from django.shortcuts import render

from jixiao.dashboards.selectors import home_panels
from jixiao.monitoring.selectors import cycle_current


def home(request):
    cycle = cycle_current()
    return render(
        request,
        "dashboards/home.html",
        {"cycle": cycle, "panels": home_panels(user=request.user, cycle=cycle)},
    )
