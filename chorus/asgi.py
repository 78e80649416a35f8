import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chorus.settings")
django_application = get_asgi_application()

# Imported once Django is set up: the short-link redirect answers under its own path
# (CHORUS_LINK_BASE_URL, /l/ by default) without Django's request stack.
from chorus.links.asgi_redirect import settle_memory, with_links  # noqa: E402

application = with_links(django_application)
settle_memory()
