from django import template

from dukcapil.registry.identifiers import mask_nik

register = template.Library()


@register.filter
def identifier(value: str, full: bool) -> str:
    """A NIK or KK number in full for roles that need it, masked (``3673**********0001``) else."""
    return value if full else mask_nik(value)
