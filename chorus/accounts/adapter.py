from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """People join Chorus only through an organisation's invitation."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
