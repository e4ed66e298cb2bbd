"""Checklists, inspection plans and their rounds: generating rounds on schedule, walking them room
by room, flagging the ones not done in time."""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core import access
from houqin.core.models import ChangeAction, Room, Semester
from houqin.core.models.places import RoomKind
from houqin.core.permissions import model_perm
from houqin.core.rulebook import rule
from houqin.core.selectors.org import people_of_school
from houqin.core.services.changelog import changelog_record, snapshot
from houqin.core.services.notifications import notify
from houqin.core.services.objects import object_delete

from ..choices import Outcome, Recurrence, RepairKind, RequestSource, RoundStatus, Urgency, Weekday
from ..models import Checklist, ChecklistItem, InspectionPlan, InspectionResult, InspectionRound
from ..permissions import INSPECT
from ..rules import INSPECTION_GRACE_DAYS
from .common import now_or, require, triagers
from .photos import photos_check

CHECKLIST_MAX_ITEMS = 60
# After a long outage the scheduler catches up at most this far back: the rounds of older dates
# could not be walked any more anyway.
CATCH_UP_DAYS = 31


# --- checklists ---------------------------------------------------------------------------------


def _clean_items(items):
    errors = []
    clean = []
    for n, item in enumerate(items or (), start=1):
        text, kind = (item[0] or "").strip(), (item[1] or RepairKind.OTHER)
        if not text:
            continue
        if len(text) > 100:
            errors.append(_("Line %(n)s: at most 100 characters.") % {"n": n})
        if kind not in RepairKind.values:
            errors.append(_("Line %(n)s: unknown repair kind “%(kind)s”.") % {"n": n, "kind": kind})
        clean.append((text, kind))
    if not clean and not errors:
        errors.append(_("List at least one thing to check."))
    if len(clean) > CHECKLIST_MAX_ITEMS:
        errors.append(_("At most %(n)s items.") % {"n": CHECKLIST_MAX_ITEMS})
    if errors:
        raise ValidationError({"items": errors})
    return clean


def _checklist_snapshot(checklist):
    data = snapshot(checklist)
    data["items"] = [f"{i.text} | {i.repair_kind}" for i in checklist.items.order_by("position")]
    return data


def _checklist_save(*, actor, checklist, items, action, before=None):
    errors = {}
    name = (checklist.name or "").strip()
    if not name:
        errors["name"] = _("This field is required.")
    elif Checklist.objects.filter(school=checklist.school, name=name).exclude(pk=checklist.pk).exists():
        errors["name"] = _("The school already has a checklist of this name.")
    if checklist.room_kind and checklist.room_kind not in RoomKind.values:
        errors["room_kind"] = _("Choose a room kind.")
    try:
        items = _clean_items(items)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    checklist.name = name
    with transaction.atomic():
        checklist.save()
        checklist.items.all().delete()
        ChecklistItem.objects.bulk_create(
            ChecklistItem(checklist=checklist, position=n, text=text, repair_kind=kind)
            for n, (text, kind) in enumerate(items, start=1)
        )
        if action == ChangeAction.CREATE:
            changelog_record(actor=actor, obj=checklist, action=action, after=_checklist_snapshot(checklist))
        else:
            changelog_record(
                actor=actor, obj=checklist, action=action, before=before, after=_checklist_snapshot(checklist)
            )
    return checklist


def checklist_create(*, actor, school, data, model=Checklist):
    """A new checklist of `school`; data: name, room_kind, is_active, items [(text, repair kind)]."""
    require(actor, model_perm(Checklist, "add"), school)
    data = dict(data)
    items = data.pop("items", ())
    checklist = Checklist(school=school, **data)
    return _checklist_save(actor=actor, checklist=checklist, items=items, action=ChangeAction.CREATE)


def checklist_update(*, actor, instance, data):
    """Change a checklist and replace its items (rounds already generated keep their copies)."""
    require(actor, model_perm(Checklist, "change"), instance.school)
    before = _checklist_snapshot(instance)
    data = {k: v for k, v in data.items() if k != "school"}
    items = data.pop("items", None)
    if items is None:
        items = [(i.text, i.repair_kind) for i in instance.items.order_by("position")]
    for key, value in data.items():
        setattr(instance, key, value)
    return _checklist_save(
        actor=actor, checklist=instance, items=items, action=ChangeAction.UPDATE, before=before
    )


def checklist_delete(*, actor, instance):
    """Delete a checklist no plan uses."""
    require(actor, model_perm(Checklist, "delete"), instance.school)
    plans = list(instance.plans.values_list("name", flat=True)[:5])
    if plans:
        raise ValidationError(
            _("The checklist is used by the inspection plans %(plans)s.") % {"plans": ", ".join(plans)}
        )
    object_delete(actor=actor, instance=instance)


# --- plans --------------------------------------------------------------------------------------


def plan_rooms(plan, *, buildings=None, room_kinds=None):
    """The active rooms the plan covers: the school's rooms, narrowed by building and kind."""
    buildings = list(plan.buildings.all()) if buildings is None else buildings
    room_kinds = plan.room_kinds if room_kinds is None else room_kinds
    qs = Room.objects.filter(school_id=plan.school_id, is_active=True)
    if buildings:
        qs = qs.filter(building__in=buildings)
    if room_kinds:
        qs = qs.filter(kind__in=room_kinds)
    return qs.select_related("building").order_by("building__name", "floor", "number")


def checklist_for(room, checklists):
    """The checklist for the room's kind, else the plan's checklist for any kind."""
    general = None
    for checklist in checklists:
        if checklist.room_kind == room.kind:
            return checklist
        if not checklist.room_kind and general is None:
            general = checklist
    return general


def _plan_clean(plan, *, buildings, checklists):
    errors = {}
    plan.name = (plan.name or "").strip()
    if not plan.name:
        errors["name"] = _("This field is required.")
    elif InspectionPlan.objects.filter(school=plan.school, name=plan.name).exclude(pk=plan.pk).exists():
        errors["name"] = _("The school already has a plan of this name.")
    if plan.recurrence == Recurrence.WEEKLY:
        if plan.weekday not in Weekday.values:
            errors["weekday"] = _("Choose the day of the week.")
        plan.day_of_month = plan.days_before = None
    elif plan.recurrence == Recurrence.MONTHLY:
        if plan.day_of_month is None or not 1 <= plan.day_of_month <= 31:
            errors["day_of_month"] = _("Choose a day of the month from 1 to 31.")
        plan.weekday = plan.days_before = None
    elif plan.recurrence == Recurrence.BEFORE_SEMESTER:
        if plan.days_before is None or not 1 <= plan.days_before <= 60:
            errors["days_before"] = _("Choose how many days (1 to 60) before the semester starts.")
        plan.weekday = plan.day_of_month = None
    else:
        errors["recurrence"] = _("Choose how often the inspection recurs.")
    if plan.starts_on is None:
        errors["starts_on"] = _("This field is required.")
    elif plan.ends_on is not None and plan.ends_on < plan.starts_on:
        errors["ends_on"] = _("The last date is before the first.")
    kinds = list(plan.room_kinds or [])
    if any(k not in RoomKind.values for k in kinds):
        errors["room_kinds"] = _("Choose room kinds from the list.")
    plan.room_kinds = sorted(set(kinds), key=RoomKind.values.index) if "room_kinds" not in errors else kinds
    if any(b.school_id != plan.school_id for b in buildings):
        errors["buildings"] = _("Choose buildings of %(school)s.") % {"school": plan.school}
    if not checklists:
        errors["checklists"] = _("Choose at least one checklist.")
    elif any(c.school_id != plan.school_id for c in checklists):
        errors["checklists"] = _("Choose checklists of %(school)s.") % {"school": plan.school}
    if plan.inspector is not None and not (
        plan.inspector.is_active
        and people_of_school(plan.school).filter(pk=plan.inspector.pk).exists()
        and access.has_perm(plan.inspector, INSPECT, plan.school)
    ):
        errors["inspector"] = _("%(user)s may not walk inspection rounds at %(school)s.") % {
            "user": plan.inspector,
            "school": plan.school,
        }
    if not errors:
        rooms = plan_rooms(plan, buildings=buildings, room_kinds=plan.room_kinds)
        if not any(checklist_for(room, checklists) for room in rooms):
            errors["checklists"] = _("No room of the plan has a checklist for its kind.")
    if errors:
        raise ValidationError(errors)


def _plan_snapshot(plan):
    data = snapshot(plan)
    data["buildings"] = sorted(str(b) for b in plan.buildings.all())
    data["checklists"] = sorted(str(c) for c in plan.checklists.all())
    return data


def inspection_plan_create(*, actor, school, data, model=InspectionPlan):
    """A recurring inspection of `school`: its rounds are generated by the scheduler from
    `starts_on` on."""
    require(actor, model_perm(InspectionPlan, "add"), school)
    data = dict(data)
    buildings = list(data.pop("buildings", None) or [])
    checklists = list(data.pop("checklists", None) or [])
    plan = InspectionPlan(school=school, **data)
    _plan_clean(plan, buildings=buildings, checklists=checklists)
    with transaction.atomic():
        plan.save()
        plan.buildings.set(buildings)
        plan.checklists.set(checklists)
        changelog_record(actor=actor, obj=plan, action=ChangeAction.CREATE, after=_plan_snapshot(plan))
    return plan


def inspection_plan_update(*, actor, instance, data):
    """Change a plan; rounds already generated stay as they were."""
    require(actor, model_perm(InspectionPlan, "change"), instance.school)
    before = _plan_snapshot(instance)
    data = {k: v for k, v in data.items() if k not in ("school", "generated_through")}
    buildings = list(data.pop("buildings")) if "buildings" in data else list(instance.buildings.all())
    checklists = list(data.pop("checklists")) if "checklists" in data else list(instance.checklists.all())
    for key, value in data.items():
        setattr(instance, key, value)
    _plan_clean(instance, buildings=buildings, checklists=checklists)
    with transaction.atomic():
        instance.save()
        instance.buildings.set(buildings)
        instance.checklists.set(checklists)
        changelog_record(
            actor=actor,
            obj=instance,
            action=ChangeAction.UPDATE,
            before=before,
            after=_plan_snapshot(instance),
        )
    return instance


def inspection_plan_delete(*, actor, instance):
    """Delete a plan that has no rounds yet (a plan with rounds is made inactive instead)."""
    require(actor, model_perm(InspectionPlan, "delete"), instance.school)
    if instance.rounds.exists():
        raise ValidationError(_("The plan has rounds on record: make it inactive instead of deleting it."))
    object_delete(actor=actor, instance=instance)


# --- the schedule -------------------------------------------------------------------------------


def _semesters_for(school):
    """Semester start dates that apply at `school`, the nearest node's where several set one."""
    depth = {p: i for i, p in enumerate(school.ancestor_paths())}
    best = {}
    for sem in Semester.objects.filter(school__path__in=list(depth)).select_related("school"):
        key = (sem.school_year, sem.term)
        if key not in best or depth[sem.school.path] > depth[best[key].school.path]:
            best[key] = sem
    return sorted(best.values(), key=lambda s: s.start_date)


def plan_occurrences(plan, start, end):
    """(occurrence date, due date) of the plan between `start` and `end` (inclusive)."""
    start = max(start, plan.starts_on)
    if plan.ends_on is not None:
        end = min(end, plan.ends_on)
    if end < start:
        return []
    grace = datetime.timedelta(days=rule(INSPECTION_GRACE_DAYS, plan.school))
    out = []
    if plan.recurrence == Recurrence.WEEKLY:
        day = start + datetime.timedelta(days=(plan.weekday - start.weekday()) % 7)
        while day <= end:
            out.append((day, day + grace))
            day += datetime.timedelta(days=7)
    elif plan.recurrence == Recurrence.MONTHLY:
        year, month = start.year, start.month
        while datetime.date(year, month, 1) <= end:
            last = calendar.monthrange(year, month)[1]
            day = datetime.date(year, month, min(plan.day_of_month, last))
            if start <= day <= end:
                out.append((day, day + grace))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    elif plan.recurrence == Recurrence.BEFORE_SEMESTER:
        for sem in _semesters_for(plan.school):
            day = sem.start_date - datetime.timedelta(days=plan.days_before)
            if start <= day <= end:
                out.append((day, sem.start_date - datetime.timedelta(days=1)))
    return out


def _round_create(*, plan, occurrence, due):
    checklists = list(plan.checklists.filter(is_active=True).prefetch_related("items"))
    rows = []
    for room in plan_rooms(plan):
        checklist = checklist_for(room, checklists)
        if checklist is None:
            continue
        for item in checklist.items.all():
            rows.append((room, item))
    if not rows:
        return None
    title = f"{plan.name} {occurrence:%Y-%m-%d}"
    try:
        with transaction.atomic():
            rnd = InspectionRound.objects.create(
                school_id=plan.school_id,
                plan=plan,
                title=title[:120],
                occurrence_date=occurrence,
                due_date=due,
                inspector=plan.inspector,
                items_total=len(rows),
            )
    except IntegrityError:
        return None  # generated already (a second tick, another worker): never twice
    InspectionResult.objects.bulk_create(
        InspectionResult(
            school_id=plan.school_id,
            round=rnd,
            room=room,
            position=item.position,
            item_text=item.text,
            repair_kind=item.repair_kind,
        )
        for room, item in rows
    )
    changelog_record(actor=None, obj=rnd, action=ChangeAction.CREATE)
    if plan.inspector_id:
        notify(
            user=plan.inspector,
            title=_("Inspection round to walk: %(title)s, by %(due)s")
            % {"title": title, "due": due.isoformat()},
            url=rnd.get_absolute_url(),
            school=plan.school,
        )
    return rnd


def inspection_plan_generate(*, plan, now=None):
    """Create the plan's rounds whose date has come, from where the last run stopped (at most
    CATCH_UP_DAYS back). Safe to run any number of times, from any number of workers: the plan
    row is locked while it runs and a round is unique per plan and date."""
    now = now_or(now)
    today = timezone.localdate(now)
    created = []
    with transaction.atomic():
        plan = (
            InspectionPlan.objects.select_for_update(of=("self",))
            .select_related("school", "inspector")
            .get(pk=plan.pk)
        )
        if not plan.is_active:
            return created
        start = plan.starts_on
        if plan.generated_through is not None:
            start = max(start, plan.generated_through + datetime.timedelta(days=1))
        start = max(start, today - datetime.timedelta(days=CATCH_UP_DAYS))
        for occurrence, due in plan_occurrences(plan, start, today):
            if InspectionRound.objects.filter(plan=plan, occurrence_date=occurrence).exists():
                continue
            rnd = _round_create(plan=plan, occurrence=occurrence, due=due)
            if rnd is not None:
                created.append(rnd)
        if plan.generated_through is None or plan.generated_through < today:
            InspectionPlan.objects.filter(pk=plan.pk).update(generated_through=today)
    return created


def inspection_rounds_flag_missed(*, now=None):
    """Rounds not completed by their due date become missed (once); the inspector and the office
    are told. Returns how many were flagged."""
    now = now_or(now)
    today = timezone.localdate(now)
    flagged = 0
    pks = list(
        InspectionRound.objects.filter(
            status__in=(RoundStatus.OPEN, RoundStatus.IN_PROGRESS), due_date__lt=today
        ).values_list("pk", flat=True)
    )
    for pk in pks:
        with transaction.atomic():
            rnd = (
                InspectionRound.objects.select_for_update(of=("self",))
                .select_related("school", "plan", "inspector")
                .get(pk=pk)
            )
            if rnd.status not in (RoundStatus.OPEN, RoundStatus.IN_PROGRESS):
                continue
            before = snapshot(rnd)
            rnd.status = RoundStatus.MISSED
            rnd.missed_at = now
            rnd.save(update_fields=["status", "missed_at", "updated_at"])
            changelog_record(actor=None, obj=rnd, action=ChangeAction.UPDATE, before=before)
            people = {u.pk: u for u in triagers(rnd.school)}
            if rnd.inspector_id:
                people[rnd.inspector_id] = rnd.inspector
            for user in people.values():
                notify(
                    user=user,
                    title=_("Inspection round missed: %(title)s") % {"title": rnd.title},
                    body=_("%(done)s of %(total)s items were checked by %(due)s.")
                    % {"done": rnd.items_done, "total": rnd.items_total, "due": rnd.due_date.isoformat()},
                    url=rnd.get_absolute_url(),
                    school=rnd.school,
                )
            flagged += 1
    return flagged


# --- walking a round ----------------------------------------------------------------------------


def inspection_room_record(*, actor, round, room, outcomes, at=None):
    """Record a room of a round: {result id: {"outcome": "pass"|"fail", "note": …, "photo": file}}.

    A failed item needs a note, and becomes a repair request of the room (with the photo). Items
    left out stay as they were; an item already reported as failed cannot be changed. The whole
    room is checked first: one bad item and nothing is recorded. The round completes itself
    when its last item is checked (late, if it had been flagged as missed)."""
    from .requests import repair_request_submit

    require(actor, INSPECT, round.school)
    at = now_or(at)
    if round.status == RoundStatus.COMPLETED:
        raise ValidationError({"status": _("This round is already completed.")})
    results = {r.pk: r for r in InspectionResult.objects.filter(round=round, room=room).order_by("position")}
    if not results:
        raise ValidationError({"room": _("This room is not part of the round.")})
    errors = []
    plan_changes = []
    for raw_pk, answer in (outcomes or {}).items():
        try:
            result = results.get(int(raw_pk))
        except (TypeError, ValueError):
            result = None
        if result is None:
            errors.append(_("An item that is not part of this room was sent."))
            continue
        outcome = (answer or {}).get("outcome") or Outcome.PENDING
        note = ((answer or {}).get("note") or "").strip()
        photo = (answer or {}).get("photo")
        if outcome == Outcome.PENDING:
            continue
        if outcome not in (Outcome.PASS, Outcome.FAIL):
            errors.append(_("%(item)s: choose pass or fail.") % {"item": result.item_text})
            continue
        if len(note) > 200:
            errors.append(
                _("%(item)s: the note may have at most 200 characters.") % {"item": result.item_text}
            )
            continue
        if result.repair_request_id:
            if outcome != result.outcome or note != result.note or photo:
                errors.append(
                    _("%(item)s was already reported for repair and cannot be changed.")
                    % {"item": result.item_text}
                )
            continue
        if outcome == Outcome.FAIL and not note:
            errors.append(_("%(item)s: say what is wrong.") % {"item": result.item_text})
            continue
        photos = []
        if photo:
            if outcome != Outcome.FAIL:
                errors.append(_("%(item)s: a photo goes with a failed item.") % {"item": result.item_text})
                continue
            try:
                photos = photos_check([photo], field="outcomes")
            except ValidationError as exc:
                errors.extend(f"{result.item_text}: {m}" for m in exc.message_dict["outcomes"])
                continue
        plan_changes.append((result, outcome, note, photos))
    if errors:
        raise ValidationError({"outcomes": errors})
    created = []
    with transaction.atomic():
        rnd = (
            InspectionRound.objects.select_for_update(of=("self",))
            .select_related("school", "plan", "inspector")
            .get(pk=round.pk)
        )
        if rnd.status == RoundStatus.COMPLETED:
            raise ValidationError({"status": _("This round is already completed.")})
        before = snapshot(rnd)
        passes = [result.pk for result, outcome, _note, _photos in plan_changes if outcome == Outcome.PASS]
        if passes:
            # One statement for the passed items (most of a round); failures one by one below.
            InspectionResult.objects.filter(pk__in=passes).update(
                outcome=Outcome.PASS, note="", checked_by=actor, checked_at=at, updated_at=timezone.now()
            )
        failed = 0
        for result, outcome, note, photos in plan_changes:
            if outcome != Outcome.FAIL:
                continue
            failed += 1
            request = repair_request_submit(
                actor=actor,
                room=room,
                kind=result.repair_kind,
                urgency=Urgency.NORMAL,
                description=f"{result.item_text}: {note}",
                photos=photos,
                source=RequestSource.INSPECTION,
                at=at,
            )
            result.outcome = outcome
            result.note = note
            result.checked_by = actor
            result.checked_at = at
            result.repair_request = request
            result.save(
                update_fields=["outcome", "note", "checked_by", "checked_at", "repair_request", "updated_at"]
            )
            created.append(request)
        passed = len(passes)
        counts = InspectionResult.objects.filter(round=rnd).aggregate(
            done=Count("pk", filter=~Q(outcome=Outcome.PENDING)),
            failed=Count("pk", filter=Q(outcome=Outcome.FAIL)),
        )
        rnd.items_done, rnd.items_failed = counts["done"], counts["failed"]
        if rnd.started_at is None and plan_changes:
            rnd.started_at = at
        if rnd.items_done >= rnd.items_total:
            rnd.status = RoundStatus.COMPLETED
            rnd.completed_at = at
        elif plan_changes and rnd.status == RoundStatus.OPEN:
            rnd.status = RoundStatus.IN_PROGRESS
        rnd.save()
        if plan_changes:
            changelog_record(
                actor=actor,
                obj=rnd,
                action=ChangeAction.UPDATE,
                before={**before, "room": None},
                after={**snapshot(rnd), "room": f"{room}: {passed} ✓ {failed} ✗"},
            )
    round.refresh_from_db()
    return created
