"""``{% citizen_documents application as docs %}`` for the citizen's status page."""

from django import template

from dukcapil.documents.selectors import documents_for_application

register = template.Library()


@register.simple_tag
def citizen_documents(application):  # noqa: ANN001, ANN201 - a template tag
    return documents_for_application(application) if application is not None else []
