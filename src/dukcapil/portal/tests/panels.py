"""Status panels for the portal tests (other apps provide the real ones)."""


def documents_panel(application):
    return "portal/tests/_panel.html", {"count": 1}


def panel_with_missing_template(application):
    return "portal/no_such_template.html", {}
