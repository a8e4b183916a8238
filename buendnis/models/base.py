"""Tenancy primitives every app builds on: each record belongs to exactly one Bündnis."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

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
