from django.conf import settings
from django.db import models
from django.utils import timezone


class FailedPasswordCheck(models.Model):
    """A wrong password given to confirm deleting an account: too many in a row pause it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self) -> str:
        return f"Failed password check of {self.user_id} at {self.at:%Y-%m-%d %H:%M}"
