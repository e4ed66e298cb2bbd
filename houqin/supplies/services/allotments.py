"""Standard allotments (标准配发): kits, and issuing a kit to every chosen class in one action.

The issue is all-or-nothing per class: a class gets its whole kit or nothing. Classes are
served in order while the store lasts; a class the store cannot cover is marked short with
what it lacks, and the allotment lists the total shortage (what to buy). Issuing again later
(after new stock arrived) serves the classes still waiting. Each class head signs for their
class's kit.
"""

from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core import access
from houqin.core.models import ChangeAction, Room, School, Semester
from houqin.core.services.changelog import changelog_record, snapshot
from houqin.core.services.notifications import notify
from houqin.core.services.numbering import document_number_next

from ..choices import AllotmentStatus, TargetStatus
from ..exceptions import InsufficientStock, _number
from ..models import Allotment, AllotmentLine, AllotmentTarget, Item, Kit, KitLine, StockBalance, Store
from ..permissions import ALLOT
from .stock import balances_lock, quantity_value, stock_issue

NUMBER_PREFIX = "PF"
WAITING = (TargetStatus.PENDING, TargetStatus.SHORT)
# What an allotment's change-log snapshot names, read with the row.
ALLOTMENT_RELATED = ("school", "store", "kit", "semester", "created_by")
MAX_PUPILS = 1000


def _require(actor, perm, school):
    if actor is None or not access.has_perm(actor, perm, school):
        raise PermissionDenied(_("You may not do this at %(school)s.") % {"school": school})


def _lines_repr(lines):
    out = []
    for line in lines:
        per = _(" per pupil") if line.per_pupil else ""
        out.append(f"{line.item} × {_number(line.quantity)}{line.item.unit}{per}")
    return out


def _clean_lines(school, lines, model):
    """Unsaved `model` lines from [{"item", "quantity", "per_pupil"}]; problems as a list."""
    cleaned, problems, seen = [], [], set()
    for number, raw in enumerate(lines or [], start=1):
        item = raw.get("item")
        if not isinstance(item, Item) or item.pk is None or item.school_id != school.pk:
            problems.append(_("Line %(n)s: choose an item of %(school)s.") % {"n": number, "school": school})
            continue
        if item.pk in seen:
            problems.append(_("Line %(n)s: %(item)s is listed twice.") % {"n": number, "item": item})
            continue
        seen.add(item.pk)
        try:
            quantity = quantity_value(raw.get("quantity"))
        except ValidationError as exc:
            problems.append(
                _("Line %(n)s: %(error)s") % {"n": number, "error": " ".join(exc.message_dict["quantity"])}
            )
            continue
        cleaned.append(model(item=item, quantity=quantity, per_pupil=bool(raw.get("per_pupil"))))
    if not cleaned and not problems:
        problems.append(_("List at least one item."))
    return cleaned, problems


# --- kits ------------------------------------------------------------------------------------


def _kit_snapshot(kit, lines=None):
    lines = lines if lines is not None else list(kit.lines.select_related("item").order_by("pk"))
    return {**snapshot(kit), "lines": _lines_repr(lines)}


def _kit_fields(name, description, errors):
    name = (name or "").strip()
    if not name:
        errors["name"] = _("This field is required.")
    elif len(name) > 100:
        errors["name"] = _("At most %(n)s characters.") % {"n": 100}
    return name, (description or "").strip()[:200]


def kit_create(*, actor, school, name, lines, description="") -> Kit:
    """A kit (what one class gets) of `school`."""
    _require(actor, "supplies.add_kit", school)
    errors = {}
    name, description = _kit_fields(name, description, errors)
    cleaned, problems = _clean_lines(school, lines, KitLine)
    if problems:
        errors["lines"] = problems
    if not errors and Kit.objects.filter(school=school, name=name).exists():
        errors["name"] = _("%(school)s already has a kit named %(name)s.") % {"school": school, "name": name}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        kit = Kit.objects.create(school=school, name=name, description=description)
        for line in cleaned:
            line.kit = kit
        KitLine.objects.bulk_create(cleaned)
        changelog_record(actor=actor, obj=kit, action=ChangeAction.CREATE, after=_kit_snapshot(kit, cleaned))
    return kit


def kit_update(*, actor, kit, name, lines, description="", is_active=True) -> Kit:
    """Change a kit; allotments already made keep the lines they were made with."""
    _require(actor, "supplies.change_kit", kit.school)
    errors = {}
    name, description = _kit_fields(name, description, errors)
    cleaned, problems = _clean_lines(kit.school, lines, KitLine)
    if problems:
        errors["lines"] = problems
    if not errors and Kit.objects.filter(school=kit.school, name=name).exclude(pk=kit.pk).exists():
        errors["name"] = _("%(school)s already has a kit named %(name)s.") % {
            "school": kit.school,
            "name": name,
        }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Kit.objects.select_for_update().get(pk=kit.pk)
        before = _kit_snapshot(locked)
        locked.name, locked.description, locked.is_active = name, description, bool(is_active)
        locked.save()
        locked.lines.all().delete()
        for line in cleaned:
            line.kit = locked
        KitLine.objects.bulk_create(cleaned)
        changelog_record(
            actor=actor,
            obj=locked,
            action=ChangeAction.UPDATE,
            before=before,
            after=_kit_snapshot(locked, cleaned),
        )
    return locked


# --- allotments ------------------------------------------------------------------------------


def _allotment_snapshot(allotment):
    targets = allotment.targets.select_related("room__building").order_by("pk")
    return {
        **snapshot(allotment),
        "lines": _lines_repr(allotment.lines.select_related("item").order_by("pk")),
        "classes": [f"{t.room.name or t.room.number}: {t.get_status_display()}" for t in targets],
    }


def allotment_create(
    *, actor, school, title, store, rooms, kit=None, lines=None, semester=None, pupils=None, note=""
) -> Allotment:
    """An allotment of `kit` (or of `lines`) from `store` to each of `rooms` (classes with a class
    head). `pupils` ({room id: count}) gives the count the per-pupil lines use; by default a
    class's capacity."""
    _require(actor, "supplies.add_allotment", school)
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("This field is required.")
    elif len(title) > 100:
        errors["title"] = _("At most %(n)s characters.") % {"n": 100}
    if not isinstance(store, Store) or store.school_id != school.pk:
        errors["store"] = _("Choose a store of %(school)s.") % {"school": school}
    if kit is not None and (not isinstance(kit, Kit) or kit.school_id != school.pk):
        errors["kit"] = _("Choose a kit of %(school)s.") % {"school": school}
    if semester is not None and (
        not isinstance(semester, Semester)
        or not School.objects.filter(pk=semester.school_id, path__in=school.ancestor_paths()).exists()
    ):
        errors["semester"] = _("Choose a semester of %(school)s.") % {"school": school}
    if lines is None:
        lines = (
            [
                {"item": kl.item, "quantity": kl.quantity, "per_pupil": kl.per_pupil}
                for kl in kit.lines.select_related("item")
            ]
            if isinstance(kit, Kit) and "kit" not in errors
            else []
        )
    cleaned, problems = _clean_lines(school, lines, AllotmentLine)
    if problems:
        errors["lines"] = problems
    rooms = list(rooms or [])
    counts = {}
    room_problems = []
    if not rooms:
        room_problems.append(_("Choose at least one class."))
    seen = set()
    for room in rooms:
        if not isinstance(room, Room) or room.school_id != school.pk:
            room_problems.append(
                _("%(room)s is not a room of %(school)s.") % {"room": room, "school": school}
            )
            continue
        if room.pk in seen:
            continue
        seen.add(room.pk)
        if room.responsible_id is None:
            room_problems.append(_("%(room)s has no class head to sign for it.") % {"room": room})
        raw = (pupils or {}).get(room.pk, room.capacity)
        try:
            count = int(raw)
        except (TypeError, ValueError):
            count = -1
        if not 0 <= count <= MAX_PUPILS:
            room_problems.append(
                _("%(room)s: enter the number of pupils (0 to %(max)s).") % {"room": room, "max": MAX_PUPILS}
            )
        elif count == 0 and any(line.per_pupil for line in cleaned):
            room_problems.append(
                _("%(room)s: enter the number of pupils for the per-pupil lines.") % {"room": room}
            )
        counts[room.pk] = count
    if room_problems:
        errors["rooms"] = room_problems
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        allotment = Allotment.objects.create(
            school=school,
            number=document_number_next(school=school, prefix=NUMBER_PREFIX),
            title=title,
            kit=kit,
            store=store,
            semester=semester,
            created_by=actor,
            note=(note or "").strip()[:200],
        )
        for line in cleaned:
            line.allotment = allotment
        AllotmentLine.objects.bulk_create(cleaned)
        unique_rooms = {r.pk: r for r in rooms}.values()
        AllotmentTarget.objects.bulk_create(
            [
                AllotmentTarget(
                    school=school,
                    allotment=allotment,
                    room=room,
                    pupils=counts[room.pk],
                    receiver_id=room.responsible_id,
                )
                for room in unique_rooms
            ]
        )
        changelog_record(
            actor=actor, obj=allotment, action=ChangeAction.CREATE, after=_allotment_snapshot(allotment)
        )
    return allotment


def allotment_set_pupils(*, actor, target, pupils) -> AllotmentTarget:
    """Correct the pupil count of a class not issued yet (textbooks and exercise books by count)."""
    _require(actor, "supplies.change_allotment", target.school)
    try:
        count = int(pupils)
    except (TypeError, ValueError):
        count = -1
    if not 0 <= count <= MAX_PUPILS:
        raise ValidationError(
            {"pupils": _("Enter the number of pupils (0 to %(max)s).") % {"max": MAX_PUPILS}}
        )
    with transaction.atomic():
        locked = (
            AllotmentTarget.objects.select_for_update(of=("self",))
            .select_related("room", *(f"allotment__{name}" for name in ALLOTMENT_RELATED))
            .get(pk=target.pk)
        )
        if locked.status not in WAITING:
            raise ValidationError({"pupils": _("This class has been issued its kit already.")})
        before = _allotment_snapshot(locked.allotment)
        locked.pupils = count
        locked.save(update_fields=["pupils", "updated_at"])
        changelog_record(
            actor=actor,
            obj=locked.allotment,
            action=ChangeAction.UPDATE,
            before=before,
            after={**_allotment_snapshot(locked.allotment), "pupils": f"{locked.room}: {count}"},
        )
    return locked


@dataclass
class AllotmentResult:
    issued: list = field(default_factory=list)  # targets issued now
    short: list = field(default_factory=list)  # targets the store could not cover


def _shortage_of(target, lines, store):
    """What this class lacks, at the store's balances now: [{"item", "unit", "needed", "available"}]."""
    held = dict(
        StockBalance.objects.filter(store=store, item_id__in=[line.item_id for line in lines]).values_list(
            "item_id", "quantity"
        )
    )
    rows = []
    for line in lines:
        needed = line.quantity_for(target.pupils)
        have = held.get(line.item_id)
        have = have if have is not None else 0
        if needed > have:
            rows.append(
                {
                    "item_id": line.item_id,
                    "item": str(line.item),
                    "unit": line.item.unit,
                    "needed": _number(needed),
                    "available": _number(have) if have else "0",
                }
            )
    return rows


def allotment_issue(*, actor, allotment, occurred_at=None) -> AllotmentResult:
    """Issue the kit to every class still waiting, in one action: each class all or nothing,
    in class order while the store lasts; the rest are marked short with what they lack."""
    school = allotment.school
    _require(actor, ALLOT, school)
    result = AllotmentResult()
    with transaction.atomic():
        locked = (
            Allotment.objects.select_for_update(of=("self",))
            .select_related(*ALLOTMENT_RELATED)
            .get(pk=allotment.pk)
        )
        lines = list(locked.lines.select_related("item").order_by("pk"))
        targets = list(
            locked.targets.select_related("room__building", "room__department", "receiver").filter(
                status__in=WAITING
            )
        )
        if not targets:
            raise ValidationError(
                {NON_FIELD_ERRORS: _("Every class of this allotment has been issued its kit.")}
            )
        before = _allotment_snapshot(locked)
        # Every balance this action may touch, locked up front in primary-key order: the
        # savepoint of a class that comes up short must not release a lock others rely on.
        balances_lock(store=locked.store, items=[line.item for line in lines])
        for target in targets:
            issued_at = None
            try:
                with transaction.atomic():
                    for line in lines:
                        quantity = line.quantity_for(target.pupils)
                        if quantity <= 0:
                            continue
                        issued_at = stock_issue(
                            school=school,
                            item=line.item,
                            store=locked.store,
                            quantity=quantity,
                            issued_to=target.receiver,
                            actor=actor,
                            department=target.room.department,
                            room=target.room,
                            allotment_target=target,
                            reference=locked.number,
                            occurred_at=occurred_at,
                        ).occurred_at
            except InsufficientStock:
                target.status = TargetStatus.SHORT
                target.shortage = _shortage_of(target, lines, locked.store)
                target.save(update_fields=["status", "shortage", "updated_at"])
                result.short.append(target)
                continue
            target.status = TargetStatus.ISSUED
            target.shortage = []
            target.issued_at = issued_at or timezone.now()
            target.issued_by = actor
            target.save(update_fields=["status", "shortage", "issued_at", "issued_by", "updated_at"])
            result.issued.append(target)
        still_waiting = locked.targets.filter(status__in=WAITING).exists()
        if result.issued:
            locked.status = AllotmentStatus.PARTLY_ISSUED if still_waiting else AllotmentStatus.ISSUED
            locked.issued_at = max(t.issued_at for t in result.issued)
            locked.save(update_fields=["status", "issued_at", "updated_at"])
        changelog_record(
            actor=actor,
            obj=locked,
            action=ChangeAction.UPDATE,
            before=before,
            after=_allotment_snapshot(locked),
        )
        for target in result.issued:
            notify(
                user=target.receiver,
                title=_("Please sign for %(allotment)s of %(room)s")
                % {"allotment": locked.title, "room": target.room.name or target.room.number},
                url=target.get_absolute_url(),
                school=school,
            )
    return result


def allotment_target_confirm(*, actor, target) -> AllotmentTarget:
    """The class head signs for their class's kit (a timestamped signature)."""
    with transaction.atomic():
        locked = (
            AllotmentTarget.objects.select_for_update(of=("self",))
            .select_related("room", "receiver", *(f"allotment__{name}" for name in ALLOTMENT_RELATED))
            .get(pk=target.pk)
        )
        if actor is None or actor.pk != locked.receiver_id:
            raise PermissionDenied(_("Only %(head)s signs for this class.") % {"head": locked.receiver})
        if locked.status != TargetStatus.ISSUED:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: _("There is nothing to sign for: %(status)s.")
                    % {"status": locked.get_status_display()}
                }
            )
        before = _allotment_snapshot(locked.allotment)
        locked.status = TargetStatus.CONFIRMED
        locked.confirmed_at = timezone.now()
        locked.confirmed_by = actor
        locked.save(update_fields=["status", "confirmed_at", "confirmed_by", "updated_at"])
        changelog_record(
            actor=actor,
            obj=locked.allotment,
            action=ChangeAction.UPDATE,
            before=before,
            after=_allotment_snapshot(locked.allotment),
        )
    return locked
