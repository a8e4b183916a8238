"""German is the language of the product; English only when a user chooses it (language cookie).

Django's LocaleMiddleware would follow the browser's Accept-Language and show an English UI to every
administration whose browsers are set up in English; a German authority's software must not do that.
"""

from django.conf import settings
from django.utils import translation


class SpracheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sprache = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if sprache not in dict(settings.LANGUAGES):
            sprache = settings.LANGUAGE_CODE
        translation.activate(sprache)
        request.LANGUAGE_CODE = sprache
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", sprache)
        translation.deactivate()
        return response
