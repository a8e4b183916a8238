"""Accounts by the coordination, and Träger proposed by a Kommune.

The Geschäftsführende Stelle invites the people of its own Bündnis (Kommune staff, member staff, colleagues,
evaluation) by e-mail with a one-time link to set a password, assigns role, Kommune or Akteur, and deactivates
accounts. It never reaches beyond its own Bündnis and never creates or changes a superuser's or the state's
account (`buendnis.manage_konten`, `buendnis.rules.is_verwaltbares_konto`).

A Kommune proposes a missing Träger (`akteur_vorschlagen`); it may use it in its own offers at once, and the
coordination confirms it or removes an unused proposal.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q, QuerySet, RestrictedError
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from buendnis.benachrichtigungen import absolute_url, benachrichtigen, koordination
from buendnis.choices import Rolle
from buendnis.models import (
    Akteur,
    AkteurStatus,
    BenachrichtigungArt,
    Bereich,
    Buendnis,
    Kalenderabo,
    Kommune,
    User,
)
from buendnis.rules import KEIN_RECHT, is_verwaltbares_konto, require_perm
from buendnis.tasks import send_mail_task

# The roles the coordination hands out; the state's role and superusers are made in the admin only.
EINLADBARE_ROLLEN = (Rolle.KOORDINATION, Rolle.KOMMUNE, Rolle.MITGLIED, Rolle.AUSWERTUNG)


def konten_queryset(user) -> QuerySet[User]:
    """The accounts of the account pages: those of the user's own Bündnis (every Bündnis for superusers),
    never a superuser's or the state's account."""
    return (
        User.objects.visible_to(user)
        .filter(buendnis__isnull=False, is_superuser=False)
        .exclude(rolle=Rolle.LAND)
    )


def einladung_offen(konto: User) -> bool:
    """The person has not set a password yet (the invitation link is still to be used)."""
    return konto.is_active and not konto.has_usable_password()


def _ziel_buendnis(by: User, buendnis: Buendnis | None) -> Buendnis:
    """The coordination invites into its own Bündnis; a superuser names one."""
    if not by.is_superuser:
        return by.buendnis
    if buendnis is None:
        raise ValidationError({"buendnis": _("Bitte wählen Sie das Bündnis des neuen Kontos.")})
    return buendnis


def _pruefe_zuordnung(
    *,
    rolle: str,
    kommune: Kommune | None,
    akteur: Akteur | None,
    buendnis_id: int,
    bisher: User | None = None,
) -> None:
    """Role, Kommune and Akteur of an account the coordination hands out (invite and change alike)."""
    errors: dict[str, str] = {}
    if rolle not in EINLADBARE_ROLLEN:
        errors["rolle"] = _("Diese Rolle können Sie nicht vergeben.")
    if rolle == Rolle.KOMMUNE and kommune is None:
        errors["kommune"] = _("Die Rolle Kommune braucht eine Kommune.")
    if kommune is not None and kommune.buendnis_id != buendnis_id:
        errors["kommune"] = _("Die Kommune gehört zu einem anderen Bündnis.")
    if akteur is not None:
        if akteur.buendnis_id != buendnis_id:
            errors["akteur"] = _("Der Akteur gehört zu einem anderen Bündnis.")
        elif akteur.status != AkteurStatus.BESTAETIGT and (bisher is None or bisher.akteur_id != akteur.pk):
            errors["akteur"] = _("Der Akteur ist noch nicht von der Geschäftsführenden Stelle bestätigt.")
    if errors:
        raise ValidationError(errors)


def _einladung_senden(konto: User, *, by: User) -> None:
    """The e-mail with the one-time link to set a password (sent by the queue, never in the request).

    The link is Django's password-reset token: it covers the password hash, so it stops working once the
    password is set (or the invitation is sent again), and expires after PASSWORD_RESET_TIMEOUT."""
    uid = urlsafe_base64_encode(force_bytes(konto.pk))
    token = default_token_generator.make_token(konto)
    link = absolute_url(reverse("konto:einladung", args=[uid, token]))
    tage = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    buendnis = konto.buendnis
    text = "\n".join(
        [
            _("Guten Tag %(name)s,") % {"name": konto.get_full_name() or konto.email},
            "",
            _(
                "%(person)s hat für Sie ein Konto in der Bündnis-Koordination des Bündnisses „%(buendnis)s“ "
                "angelegt. Ihre Rolle: %(rolle)s."
            )
            % {"person": by.anzeigename(), "buendnis": buendnis, "rolle": konto.get_rolle_display()},
            "",
            _("Bitte legen Sie über diesen Link Ihr Passwort fest:"),
            link,
            "",
            _(
                "Der Link gilt %(tage)d Tage und nur einmal. Danach melden Sie sich mit Ihrem Benutzernamen "
                "%(username)s und Ihrem Passwort an."
            )
            % {"tage": tage, "username": konto.username},
            "",
            _(
                "Wenn Sie diese Einladung nicht erwartet haben, können Sie diese E-Mail ignorieren; ohne "
                "Passwort kann sich niemand mit dem Konto anmelden."
            ),
        ]
    )
    send_mail_task.enqueue(
        subject=_("Einladung zur Bündnis-Koordination (%(buendnis)s)") % {"buendnis": buendnis},
        body=text,
        recipients=[konto.email],
        buendnis_id=konto.buendnis_id,
    )


@transaction.atomic
def konto_einladen(
    *,
    email: str,
    vorname: str,
    nachname: str,
    rolle: str,
    kommune: Kommune | None = None,
    akteur: Akteur | None = None,
    buendnis: Buendnis | None = None,
    by: User,
) -> User:
    """Creates the account of a person of the inviter's Bündnis (without a password) and sends the invitation.

    The user name is the e-mail address (lower-case). `buendnis` is read for superusers only; everyone else
    invites into their own Bündnis."""
    require_perm(by, "buendnis.manage_konten")
    ziel = _ziel_buendnis(by, buendnis)
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError({"email": _("Bitte geben Sie die E-Mail-Adresse an.")})
    if kommune is not None and rolle != Rolle.KOMMUNE:
        kommune = None  # a Kommune belongs to the role Kommune only
    _pruefe_zuordnung(rolle=rolle, kommune=kommune, akteur=akteur, buendnis_id=ziel.pk)
    if User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
        raise ValidationError({"email": _("Für diese E-Mail-Adresse gibt es schon ein Konto.")})
    konto = User(
        username=email,
        email=email,
        first_name=(vorname or "").strip(),
        last_name=(nachname or "").strip(),
        rolle=rolle,
        buendnis=ziel,
        kommune=kommune,
        akteur=akteur,
        # The coordination works in the admin too (as its accounts always have); nobody here becomes superuser.
        is_staff=rolle == Rolle.KOORDINATION,
        is_superuser=False,
        is_active=True,
    )
    konto.set_unusable_password()
    konto.full_clean()
    konto.save()
    _einladung_senden(konto, by=by)
    return konto


def _sperren(konto: User, by: User) -> User:
    """The stored account, locked, once `by` may manage it. Superusers hold every permission, so the rule that
    superusers' and the state's accounts stay in the admin is asked here directly as well."""
    current = User.objects.select_for_update().get(pk=konto.pk)
    require_perm(by, "buendnis.manage_konten", current)
    if not is_verwaltbares_konto(by, current):
        raise PermissionDenied(KEIN_RECHT)
    return current


@transaction.atomic
def konto_erneut_einladen(*, konto: User, by: User) -> User:
    """Sends the invitation again with a new link; the old link stops working."""
    current = _sperren(konto, by)
    if not current.is_active:
        raise ValidationError(_("Das Konto ist deaktiviert. Bitte reaktivieren Sie es zuerst."))
    if current.has_usable_password():
        raise ValidationError(
            _("%(name)s hat schon ein Passwort gesetzt; eine neue Einladung ist nicht nötig.")
            % {"name": current.anzeigename()}
        )
    if not current.email:
        raise ValidationError(_("Für dieses Konto ist keine E-Mail-Adresse hinterlegt."))
    # A new unusable password changes the hash the token covers: the earlier link becomes invalid.
    current.set_unusable_password()
    current.save(update_fields=["password"])
    _einladung_senden(current, by=by)
    return current


@transaction.atomic
def konto_aendern(
    *,
    konto: User,
    rolle: str,
    kommune: Kommune | None = None,
    akteur: Akteur | None = None,
    vorname: str | None = None,
    nachname: str | None = None,
    by: User,
) -> User:
    """Changes role, Kommune and Akteur (and the name) of an account of the own Bündnis; never one's own role."""
    current = _sperren(konto, by)
    if current.pk == by.pk and rolle != current.rolle:
        raise ValidationError({"rolle": _("Ihre eigene Rolle können Sie nicht ändern.")})
    if kommune is not None and rolle != Rolle.KOMMUNE:
        kommune = None
    _pruefe_zuordnung(
        rolle=rolle, kommune=kommune, akteur=akteur, buendnis_id=current.buendnis_id, bisher=current
    )
    if rolle != current.rolle:
        current.is_staff = rolle == Rolle.KOORDINATION
    current.rolle = rolle
    current.kommune = kommune
    current.akteur = akteur
    if vorname is not None:
        current.first_name = vorname.strip()
    if nachname is not None:
        current.last_name = nachname.strip()
    current.full_clean()
    current.save()
    return current


@transaction.atomic
def konto_deaktivieren(*, konto: User, by: User) -> User:
    """Ends the person's access: no sign-in, open sessions end with the next request (Django refuses inactive
    users), the invitation link and the calendar feed stop working."""
    current = _sperren(konto, by)
    if current.pk == by.pk:
        raise ValidationError(_("Ihr eigenes Konto können Sie nicht deaktivieren."))
    if not current.is_active:
        raise ValidationError(_("Das Konto ist schon deaktiviert."))
    current.is_active = False
    current.save(update_fields=["is_active"])
    Kalenderabo.objects.filter(benutzer=current, widerrufen_am__isnull=True).update(
        widerrufen_am=timezone.now()
    )
    return current


@transaction.atomic
def konto_reaktivieren(*, konto: User, by: User) -> User:
    current = _sperren(konto, by)
    if current.pk == by.pk:
        raise ValidationError(_("Ihr eigenes Konto können Sie nicht reaktivieren."))
    if current.is_active:
        raise ValidationError(_("Das Konto ist schon aktiv."))
    current.is_active = True
    current.save(update_fields=["is_active"])
    return current


# Träger proposed by a Kommune ---------------------------------------------------------------------------------------


@transaction.atomic
def akteur_vorschlagen(
    *,
    name: str,
    typ: str,
    bereich: Bereich,
    adresse: str = "",
    email: str = "",
    telefon: str = "",
    website: str = "",
    by: User,
) -> Akteur:
    """A Kommune proposes a missing Träger of its area; it is usable in the Kommune's own offers at once and
    the coordination is told to confirm it."""
    require_perm(by, "buendnis.propose_akteur")
    if not (by.buendnis_id and by.kommune_id):
        raise PermissionDenied(KEIN_RECHT)
    akteur = Akteur(
        buendnis_id=by.buendnis_id,
        kommune_id=by.kommune_id,
        name=(name or "").strip(),
        typ=typ,
        bereich=bereich,
        adresse=(adresse or "").strip(),
        email=(email or "").strip(),
        telefon=(telefon or "").strip(),
        website=(website or "").strip(),
        status=AkteurStatus.VORGESCHLAGEN,
        vorgeschlagen_von=by,
    )
    akteur.full_clean()
    akteur.save()
    benachrichtigen(
        empfaenger=koordination(by.buendnis_id),
        art=BenachrichtigungArt.TRAEGER_VORGESCHLAGEN,
        titel=_("Träger vorgeschlagen: %(name)s") % {"name": akteur.name},
        text=_(
            "%(person)s (Kommune %(kommune)s) schlägt den Träger „%(name)s“ vor. Bitte bestätigen Sie ihn "
            "oder lehnen Sie ihn ab."
        )
        % {"person": by.anzeigename(), "kommune": by.kommune, "name": akteur.name},
        link=akteur.get_absolute_url(),
        schluessel=f"traeger-vorgeschlagen-{akteur.pk}",
        ausser=by,
    )
    return akteur


def _vorschlag_sperren(akteur: Akteur, by: User) -> Akteur:
    current = Akteur.objects.select_for_update().get(pk=akteur.pk)
    require_perm(by, "buendnis.review_akteur", current)
    if current.status != AkteurStatus.VORGESCHLAGEN:
        raise ValidationError(_("„%(name)s“ ist kein offener Vorschlag.") % {"name": current.name})
    return current


@transaction.atomic
def akteur_bestaetigen(*, akteur: Akteur, by: User) -> Akteur:
    """The coordination takes a proposed Träger into the Bündnis' list of Akteure."""
    current = _vorschlag_sperren(akteur, by)
    current.status = AkteurStatus.BESTAETIGT
    current.full_clean()
    current.save()
    if current.vorgeschlagen_von_id:
        benachrichtigen(
            empfaenger=[current.vorgeschlagen_von],
            art=BenachrichtigungArt.TRAEGER_VORGESCHLAGEN,
            titel=_("Ihr vorgeschlagener Träger „%(name)s“ ist bestätigt.") % {"name": current.name},
            link=current.get_absolute_url(),
            ausser=by,
        )
    return current


@transaction.atomic
def akteur_ablehnen(*, akteur: Akteur, by: User) -> str:
    """The coordination removes a proposal no offer uses; returns the name of the removed proposal."""
    current = _vorschlag_sperren(akteur, by)
    name, vorschlagende = current.name, current.vorgeschlagen_von
    try:
        # Offers (and funding applications) protect their Träger: a used proposal is not deleted.
        current.delete()
    except (ProtectedError, RestrictedError) as exc:
        anzahl = len(getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", ()))
        raise ValidationError(
            _(
                "„%(name)s“ wird schon verwendet (%(n)d Angebot(e) oder andere Einträge) und kann nicht "
                "abgelehnt werden. Bitte bestätigen Sie den Vorschlag, oder ordnen Sie die Angebote zuerst "
                "einem vorhandenen Träger zu (zusammenführen) und lehnen Sie den Vorschlag dann ab."
            )
            % {"name": name, "n": anzahl}
        ) from exc
    if vorschlagende is not None:
        benachrichtigen(
            empfaenger=[vorschlagende],
            art=BenachrichtigungArt.TRAEGER_VORGESCHLAGEN,
            titel=_("Ihr vorgeschlagener Träger „%(name)s“ wurde abgelehnt.") % {"name": name},
            text=_(
                "Die Geschäftsführende Stelle hat den Vorschlag abgelehnt. Bei Fragen wenden Sie sich bitte an sie."
            ),
            link=reverse("buendnis:akteur-list"),
            ausser=by,
        )
    return name
