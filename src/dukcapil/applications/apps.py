from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "dukcapil.applications"
    label = "applications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dukcapil.accounts.selectors import register_scope

        # A case belongs to the office of its regency and, for operators, to its kecamatan.
        register_scope(
            "applications.Application",
            kecamatan_path="kecamatan",
            regency_path="office",
            personal_data=True,
        )
