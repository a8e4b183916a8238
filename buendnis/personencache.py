"""What every page of a signed-in person needs about that person, kept in the cache and read in one round trip.

- Whether the person has no confirmed second-factor device (`buendnis.middleware.OTPRequiredMiddleware` asks on
  every request). Only "none" is kept (a kept "yes" could send a person whose device was removed round in
  circles). Every save or deletion of a device of any django_otp kind replaces the entry at once, and again when
  its transaction commits, by "ask the database", which no request can overwrite for `OTP_SEKUNDEN`.
- The permissions Django's `ModelBackend` adds to the rules (the person's own and their groups' permissions, as
  the admin assigns them). The backend asks for them whenever a rule says no, with two queries per request; here
  they are put on the user object where the backend keeps them for the request (`_user_perm_cache`,
  `_group_perm_cache`, `_perm_cache`), and kept after a request that read them.
- The parts of the page header that depend only on the person (`{% menue_gecacht %}`, `buendnis/templatetags/
  menue.py`): the five menus and the fixed items of the person's menu, about forty URL reversals and a dozen
  permission checks per page. Their key holds the person, the attributes the rules read (role, Bündnis, Kommune,
  Träger, staff, superuser, active: a change of role shows the new menus at once), the language and a fingerprint
  of the templates and catalogues of this release.
- Any further key a caller names (the header's figures, `buendnis.context_processors`).

Permissions and menus are stored with the stamp `STAND_KEY`, renewed when permissions, groups or their members
change and when a Bündnis or Kommune is saved or deleted (its name is in the person's menu), so that such a change
shows on the next request; the stamp is read before the rows it guards, so a change committed meanwhile leaves the
entry outdated. The time limits cover what the signals cannot see (`QuerySet.update`, a process that never
imported this module).

The cache is a help, never a dependency: when it fails, everything is read from the database as without it.
Inside an open transaction (a test case, a failing import) it is neither read nor written, as elsewhere in the
application: rows read there may be rolled back.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import translation
from django_otp.models import Device

from buendnis import cachehilfe
from buendnis.models import Buendnis, Kommune, User

logger = logging.getLogger(__name__)

OTP_SEKUNDEN = 60
RECHTE_SEKUNDEN = 300
MENUE_SEKUNDEN = 300
STAND_KEY = "buendnis:person:stand"
# The templates rendered into the cached header parts.
VORLAGEN = (
    "base.html",
    "buendnis/_nav.html",
    "angebote/_nav.html",
    "bedarf/_nav.html",
    "foerderung/_nav.html",
    "berichte/_nav.html",
)
FEHLT = object()


def _cache(operation: str, *args):
    # The module's `cache` looked up at each call (tests put a failing one in its place).
    return cachehilfe.versuchen(cache, "Personen", operation, *args)


def _cache_erlaubt() -> bool:
    # Rows read inside an open transaction may be rolled back: never kept from there. Requests run outside one.
    return not connection.in_atomic_block


@functools.cache
def vorlagenstand() -> str:
    """A fingerprint of the header's templates and of the catalogues: a new release never gets the menus of the
    previous one from a shared cache."""
    from django.template import engines

    pruefsumme = hashlib.sha256()
    dateien: list[Path] = []
    for name in VORLAGEN:
        try:
            dateien.append(Path(engines["django"].engine.find_template(name)[1].name))
        except Exception:
            pruefsumme.update(name.encode())
    for pfad in settings.LOCALE_PATHS:
        dateien.extend(sorted(Path(pfad).glob("*/LC_MESSAGES/django.mo")))
    for datei in dateien:
        try:
            pruefsumme.update(datei.read_bytes())
        except OSError:
            pruefsumme.update(str(datei).encode())
    return pruefsumme.hexdigest()[:12]


def _flags(*werte: bool) -> str:
    return "".join("1" if wert else "0" for wert in werte)


def otp_schluessel(user_pk: int) -> str:
    return f"buendnis:person:ohne-geraet:{user_pk}"


def rechte_schluessel(user) -> str:
    return f"buendnis:person:rechte:{user.pk}:{_flags(user.is_superuser, user.is_active)}"


def menue_schluessel(user) -> str:
    teile = [
        "buendnis:person:menue",
        vorlagenstand(),
        str(user.pk),
        str(user.rolle or "-"),
        str(user.buendnis_id or "-"),
        str(user.kommune_id or "-"),
        str(getattr(user, "akteur_id", None) or "-"),
        _flags(user.is_staff, user.is_superuser, user.is_active),
        translation.get_language() or "-",
    ]
    return ":".join(teile)


class Personencache:
    """One person's entries in one request: read together on first use, written back where something was new."""

    def __init__(self, user, weitere: tuple[str, ...] = ()):
        self.user = user
        self.erlaubt = _cache_erlaubt()
        self.gelesen: dict = {}
        self.stand = None
        self.rechte_vorbelegt = False
        self.menue: dict[str, str] | None = None
        self.menue_key = ""
        self.sprache = translation.get_language()
        if not self.erlaubt:
            return
        self.menue_key = menue_schluessel(user)
        schluessel = [STAND_KEY, otp_schluessel(user.pk), rechte_schluessel(user), self.menue_key, *weitere]
        gelesen = _cache("get_many", schluessel)
        if gelesen is None:
            self.erlaubt = False  # the cache failed: the database answers, nothing is written
            return
        # Every key asked for is noted, found or not: a missing entry is not asked for a second time.
        self.gelesen = {k: gelesen.get(k) for k in schluessel}
        self.stand = gelesen.get(STAND_KEY)
        if not self.stand:
            # First use, or the stamp was evicted: a new one (or the one another request set meanwhile), still
            # read before the rows it guards.
            _cache("add", STAND_KEY, uuid.uuid4().hex, None)
            self.stand = _cache("get", STAND_KEY)

    def _gueltig(self, schluessel: str):
        """The entry stored under `schluessel` if it was stored with the current stamp."""
        eintrag = self.gelesen.get(schluessel)
        if self.stand and isinstance(eintrag, dict) and eintrag.get("stand") == self.stand:
            return eintrag
        return None

    def _schreiben_erlaubt(self) -> bool:
        return self.erlaubt and bool(self.stand) and _cache_erlaubt()

    # Any key ---------------------------------------------------------------------------------------------------

    def vorab(self, schluessel: str):
        """The value under `schluessel` as read with the others (None: missing there); FEHLT when not asked for."""
        return self.gelesen.get(schluessel) if schluessel in self.gelesen else FEHLT

    def gemerkt(self, schluessel: str, wert=None) -> None:
        """The caller wrote (or with None dropped) the entry under `schluessel`: this request sees it too."""
        if schluessel in self.gelesen:
            self.gelesen[schluessel] = wert

    # The second factor -----------------------------------------------------------------------------------------

    def hat_bestaetigtes_geraet(self) -> bool:
        """Whether the person has a confirmed second-factor device. The entry holds True for "none"; after a
        change of a device it holds False for OTP_SEKUNDEN ("ask the database"), which `add` cannot overwrite: a
        request that read the devices before the change committed cannot keep its outdated "none"."""
        if self.gelesen.get(otp_schluessel(self.user.pk)) is True:
            return False
        from django_otp import user_has_device

        vorhanden = user_has_device(self.user, confirmed=True)
        if not vorhanden and self.erlaubt and _cache_erlaubt():
            _cache("add", otp_schluessel(self.user.pk), True, OTP_SEKUNDEN)
        return vorhanden

    # The model backend's permissions ---------------------------------------------------------------------------

    def rechte_vorbelegen(self) -> None:
        """Puts the kept permissions where `ModelBackend` looks for them first (on the user object)."""
        eintrag = self._gueltig(rechte_schluessel(self.user))
        user = self.user
        if eintrag is None or hasattr(user, "_perm_cache") or not user.is_active:
            return
        user._user_perm_cache = set(eintrag["user"])
        user._group_perm_cache = set(eintrag["group"])
        user._perm_cache = {*user._user_perm_cache, *user._group_perm_cache}
        self.rechte_vorbelegt = True

    def rechte_merken(self) -> None:
        """Keeps the permissions `ModelBackend` read during the request (none read: nothing to keep)."""
        user = self.user
        if self.rechte_vorbelegt or not self._schreiben_erlaubt():
            return
        if not (hasattr(user, "_user_perm_cache") and hasattr(user, "_group_perm_cache")):
            return
        # With the stamp read before the backend read the rows: a change committed meanwhile outdates the entry.
        eintrag = {
            "stand": self.stand,
            "user": frozenset(user._user_perm_cache),
            "group": frozenset(user._group_perm_cache),
        }
        _cache("set", rechte_schluessel(user), eintrag, RECHTE_SEKUNDEN)

    # The header ------------------------------------------------------------------------------------------------

    def menue_teil(self, name: str, rendern) -> str:
        """The header part `name` from the cache, else `rendern()` (and kept)."""
        if not self.erlaubt or translation.get_language() != self.sprache:
            # In another language than the request's (translation.override) the part is simply rendered.
            return rendern()
        if self.menue is None:
            eintrag = self._gueltig(self.menue_key)
            self.menue = dict(eintrag["teile"]) if eintrag else {}
        html = self.menue.get(name)
        if html is None:
            html = rendern()
            self.menue[name] = html
            if self._schreiben_erlaubt():
                _cache("set", self.menue_key, {"stand": self.stand, "teile": self.menue}, MENUE_SEKUNDEN)
        return html


ATTRIBUT = "_buendnis_personencache"


def fuer(user, weitere: tuple[str, ...] = ()) -> Personencache | None:
    """The person's cache entries for this request (kept on the request's user object); None unless signed in."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    vorhanden = getattr(user, ATTRIBUT, None)
    if vorhanden is None:
        vorhanden = Personencache(user, weitere)
        setattr(user, ATTRIBUT, vorhanden)
    return vorhanden


# Invalidation ------------------------------------------------------------------------------------------------------


def stand_erneuern() -> None:
    """Every kept permission set and menu is read afresh: now, and once more when the open transaction commits (a
    request that read the old rows in between must not keep them)."""
    _cache("set", STAND_KEY, uuid.uuid4().hex, None)
    if connection.in_atomic_block:
        transaction.on_commit(lambda: _cache("set", STAND_KEY, uuid.uuid4().hex, None))


def otp_vergessen(user_pk: int) -> None:
    """The person's devices changed: for OTP_SEKUNDEN every request asks the database (see
    `Personencache.hat_bestaetigtes_geraet`)."""
    try:
        cache.set(otp_schluessel(user_pk), False, OTP_SEKUNDEN)
    except Exception:
        logger.error(
            "Personen-Cache nicht erreichbar: Zwei-Faktor-Stand von Konto %s", user_pk, exc_info=True
        )


@receiver(post_save, dispatch_uid="buendnis_person_geraet_gespeichert")
@receiver(post_delete, dispatch_uid="buendnis_person_geraet_geloescht")
def _geraet_geaendert(sender, instance, **kwargs):
    """A device of any django_otp kind was saved or deleted: every session of its user asks the database again,
    now and once more when the transaction commits."""
    if not isinstance(instance, Device) or instance.user_id is None:
        return
    user_pk = instance.user_id
    otp_vergessen(user_pk)
    if connection.in_atomic_block:
        transaction.on_commit(lambda: otp_vergessen(user_pk))


def _geaendert(sender, **kwargs) -> None:
    stand_erneuern()


def _zuordnung_geaendert(sender, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        stand_erneuern()


for _modell in (Buendnis, Kommune, Group, Permission):
    post_save.connect(_geaendert, sender=_modell, dispatch_uid=f"buendnis_person_save_{_modell.__name__}")
    post_delete.connect(_geaendert, sender=_modell, dispatch_uid=f"buendnis_person_delete_{_modell.__name__}")
for _zuordnung in (User.groups.through, User.user_permissions.through, Group.permissions.through):
    m2m_changed.connect(
        _zuordnung_geaendert, sender=_zuordnung, dispatch_uid=f"buendnis_person_m2m_{_zuordnung.__name__}"
    )
