from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicJobState(models.Model):
    """When a periodic job is next due; schedulers claim a period by moving it on."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    schedule = models.CharField(_("schedule"), max_length=200)
    next_run_at = models.DateTimeField(_("next run at"))
    last_enqueued_at = models.DateTimeField(_("last enqueued at"), null=True, blank=True)
    last_task_result_id = models.CharField(_("last task result id"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("periodic job state")
        verbose_name_plural = _("periodic job states")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
