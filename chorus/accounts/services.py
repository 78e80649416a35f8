from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from chorus.accounts.models import User, validate_language, validate_time_zone


def check_language(language: str) -> str:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(
            _("“%(language)s” is not a language Chorus speaks. Choose one of the list.")
            % {"language": language[:20]}
        )
    return language


def set_user_language(*, user: User, language: str) -> User:
    user.language = check_language(language)
    user.save(update_fields=["language"])
    return user


def update_profile(*, user: User, full_name: str, language: str, time_zone: str) -> User:
    validate_language(language)
    validate_time_zone(time_zone)
    user.full_name = full_name.strip()
    user.language = language
    user.time_zone = time_zone
    user.save(update_fields=["full_name", "language", "time_zone"])
    return user
