"""Tenancy primitives every app builds on: each record belongs to exactly one Bündnis."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from buendnis.choices import Rolle


def sees_all_buendnisse(user) -> bool:
    """Superusers and the state (`land`) read every Bündnis."""
    return bool(user.is_authenticated and (user.is_superuser or user.rolle == Rolle.LAND))


class BuendnisQuerySet(models.QuerySet):
    """Rows owned by a Bündnis. `buendnis_lookup` names the path to the owning Bündnis id."""

    buendnis_lookup = "buendnis_id"

    def for_buendnis(self, buendnis_id: int):
        return self.filter(**{self.buendnis_lookup: buendnis_id})

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if sees_all_buendnisse(user):
            return self
        if not user.buendnis_id:
            return self.none()
        return self.for_buendnis(user.buendnis_id)

    def editable_by(self, user):
        """Alliance data is written by the Geschäftsführende Stelle of the same Bündnis."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        if user.rolle != Rolle.KOORDINATION or not user.buendnis_id:
            return self.none()
        return self.for_buendnis(user.buendnis_id)

    def for_list(self):
        return self


class SameBuendnisMixin:
    """Model validation: every foreign key that points at Bündnis-owned data stays inside the same Bündnis."""

    def get_buendnis_id(self):
        return getattr(self, "buendnis_id", None)

    def clean(self):
        super().clean()
        own = self.get_buendnis_id()
        if not own:
            return
        errors = {}
        for field in self._meta.concrete_fields:
            if not (field.many_to_one and field.name != "buendnis"):
                continue
            if getattr(self, field.attname) is None:
                continue
            related = getattr(self, field.name)
            getter = getattr(related, "get_buendnis_id", None)
            other = getter() if getter else getattr(related, "buendnis_id", None)
            if other and other != own:
                errors[field.name] = _("Gehört zu einem anderen Bündnis.")
        if errors:
            from django.core.exceptions import ValidationError

            raise ValidationError(errors)


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        abstract = True


class StatusField(models.CharField):
    """A workflow state; takes its choices from the model's `status_choices` (a TextChoices class), so an
    abstract model can declare the field once for workflows with different states."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def contribute_to_class(self, cls, name, *args, **kwargs):
        status_choices = getattr(cls, "status_choices", None)
        if status_choices is not None and not cls._meta.abstract:
            self.choices = status_choices.choices
        super().contribute_to_class(cls, name, *args, **kwargs)

    def deconstruct(self):
        # Migrations see the plain CharField with its choices; the field class is only a way to declare it.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


class AbstractStatuswechsel(models.Model):
    """One step of a workflow (Statuswechsel): who moved the row from which state to which, when, and why.

    A concrete model adds the foreign key to its row and sets `status_choices` to its states. `von` is empty
    for the step that created the row.
    """

    status_choices: type[models.TextChoices] | None = None

    von = StatusField(_("von Status"), blank=True)
    nach = StatusField(_("nach Status"))
    kommentar = models.TextField(_("Kommentar"), blank=True)
    # The author of a workflow step stays on record: an account that took one is deactivated, not deleted.
    durch = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("durch"),
    )
    zeitpunkt = models.DateTimeField(_("Zeitpunkt"), default=timezone.now)

    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        verbose_name = _("Statuswechsel")
        verbose_name_plural = _("Statuswechsel")
        ordering = ["zeitpunkt", "pk"]
