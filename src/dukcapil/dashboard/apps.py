from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The province dashboard: rollups kept with each transition, league table, charts, exports."""

    name = "dukcapil.dashboard"
    label = "dashboard"
