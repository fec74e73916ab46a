"""The API documentation page: Swagger UI served from this application's own static files.

django-ninja's ``Swagger`` loads the UI from a CDN unless ``ninja`` is an installed app; ours is
the swagger-ui-dist package from npm, vendored in ``api/static/api/`` (see its LICENSE file there),
so that the page works offline and leaks no visitor to another host.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase

SWAGGER_UI_VERSION = "5.35.0"


class LocalSwagger(DocsBase):
    template = "api/docs.html"
    settings: dict[str, Any] = {
        "layout": "BaseLayout",
        "deepLinking": True,
        # The default asks validator.swagger.io about the schema from the visitor's browser.
        "validatorUrl": None,
        "tryItOutEnabled": False,
    }

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {"api": api, "swagger_settings": json.dumps(settings)}
        return render(request, self.template, context)
