"""Model fields whose values are encrypted at rest (see :mod:`dukcapil.core.crypto`)."""

from __future__ import annotations

from typing import Any

from django.db import models

from dukcapil.core import crypto


class EncryptedTextField(models.TextField):
    """A text value stored as AES-GCM ciphertext bound to its column.

    It cannot be filtered on: look values up through their blind index column instead.
    """

    def contribute_to_class(
        self, cls: type[models.Model], name: str, *args: Any, **kw: Any
    ) -> None:
        super().contribute_to_class(cls, name, *args, **kw)
        self.crypto_context = f"{cls._meta.app_label}.{cls._meta.model_name}.{name}"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value, context=self.crypto_context)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value, context=self.crypto_context)

    def get_lookup(self, lookup_name: str):  # noqa: ANN201
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)
