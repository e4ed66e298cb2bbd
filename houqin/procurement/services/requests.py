"""Purchase requests: a department asks (draft, edited freely), submits it for approval by
amount, and the approval engine calls back when it is decided (approved lines may be ordered)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core import access
from houqin.core.models import ApprovalLevel, ChangeAction, SchoolKind
from houqin.core.permissions import model_perm
from houqin.core.rulebook import rule
from houqin.core.selectors.approvals import approval_policy_for
from houqin.core.services.approvals import approval_policy_set, approval_submit, approval_withdraw
from houqin.core.services.changelog import changelog_record, snapshot
from houqin.core.services.notifications import notify
from houqin.core.services.roles import roles_ensure_defaults

from ..choices import AssetTracking, LineKind, RequestStatus
from ..models import PurchaseRequest, PurchaseRequestLine
from ..rules import DEFAULT_BANDS
from ..selectors import procurement_class_for, split_warnings
from . import links
from .common import (
    invalid,
    is_whole,
    line_error,
    money,
    require,
    same_school,
    to_date,
    to_money,
    to_quantity,
)

REQUEST_KIND = "procurement.purchase_request"
REQUEST_PREFIX = "CG"  # 采购: CG-2026-0001
HEADER_FIELDS = ("title", "department", "reason", "budget_line", "is_urgent", "needed_by")
LINE_FIELDS = (
    "kind",
    "item",
    "asset_category",
    "name",
    "specification",
    "unit",
    "quantity",
    "estimated_unit_price",
    "room",
    "store",
    "asset_tracking",
)


# ---------------------------------------------------------------------------------------------
# Policy


def purchase_policy_steps(school):
    """Steps from the rule book's default approval bands (approval.default_bands); a level the
    tree lacks above `school` falls to the school's principal."""
    steps = []
    has_district = school.nearest(SchoolKind.DISTRICT) is not None
    has_bureau = school.nearest(SchoolKind.BUREAU) is not None
    for band in rule(DEFAULT_BANDS, school):
        role, level = band["role"], band.get("level") or ApprovalLevel.SCHOOL
        if (level == ApprovalLevel.DISTRICT and not has_district) or (
            level == ApprovalLevel.BUREAU and not has_bureau
        ):
            role, level = "principal", ApprovalLevel.SCHOOL
        limit = band.get("up_to")
        step = {"role": role, "level": level, "max_amount": money(str(limit)) if limit is not None else None}
        if steps and (steps[-1]["role"], steps[-1]["level"]) == (role, level):
            steps[-1]["max_amount"] = step["max_amount"]
        else:
            steps.append(step)
    if steps:
        steps[-1]["max_amount"] = None
    return steps


def purchase_policy_ensure(*, school):
    """The purchase policy in force at `school`; when no node above it has one, one made from
    the rule book's default bands is set at its central school (for all its schools).
    Administrators change it on the approval policy pages like any other."""
    policy = approval_policy_for(school, REQUEST_KIND)
    if policy is not None:
        return policy
    roles_ensure_defaults()
    node = school.nearest(SchoolKind.DISTRICT) or school
    return approval_policy_set(
        actor=None,
        school=node,
        kind=REQUEST_KIND,
        name=_("Purchase requests (rule-book bands)"),
        steps=purchase_policy_steps(node),
    )


# ---------------------------------------------------------------------------------------------
# Drafts


def _header(data, school, errors, instance=None):
    def get(name, default=None):
        if name in data:
            return data[name]
        return getattr(instance, name) if instance is not None else default

    title = (get("title") or "").strip()
    if not title:
        errors["title"] = _("This field is required.")
    elif len(title) > 200:
        errors["title"] = _("At most 200 characters.")
    reason = (get("reason") or "").strip()
    if not reason:
        errors["reason"] = _("Say why it is needed.")
    department = get("department")
    if department is not None and not same_school(department, school):
        errors["department"] = _("%(obj)s is not a department of %(school)s.") % {
            "obj": department,
            "school": school,
        }
    budget_line = (get("budget_line") or "").strip()
    if len(budget_line) > 100:
        errors["budget_line"] = _("At most 100 characters.")
    needed_by = to_date(get("needed_by"), "needed_by", errors)
    return {
        "title": title,
        "reason": reason,
        "department": department,
        "budget_line": budget_line,
        "is_urgent": bool(get("is_urgent", False)),
        "needed_by": needed_by,
    }


def _lines(raw_lines, school, errors):
    """Check every line; the messages are collected under "lines" ("Line 2: …")."""
    cleaned = []
    raw_lines = list(raw_lines or [])
    if not raw_lines:
        errors["lines"] = [_("Add at least one line.")]
        return cleaned
    for number, raw in enumerate(raw_lines, start=1):
        kind = raw.get("kind") or LineKind.SUPPLY
        line = {"kind": kind, "position": number}
        if kind not in LineKind.values:
            line_error(errors, "lines", number, _("choose supplies or equipment."))
            continue
        quantity, problem = to_quantity(raw.get("quantity"))
        if problem:
            line_error(errors, "lines", number, _("quantity: %(p)s") % {"p": problem})
        price, problem = to_money(raw.get("estimated_unit_price"))
        if problem:
            line_error(errors, "lines", number, _("estimated unit price: %(p)s") % {"p": problem})
        item, category = raw.get("item"), raw.get("asset_category")
        room, store = raw.get("room"), raw.get("store")
        name = (raw.get("name") or "").strip()
        spec = (raw.get("specification") or "").strip()
        unit = (raw.get("unit") or "").strip()
        tracking = raw.get("asset_tracking") or AssetTracking.BATCH
        if kind == LineKind.SUPPLY:
            if item is None:
                line_error(errors, "lines", number, _("choose the supply item."))
            elif not links.is_item(item) or not links.item_usable(item, school):
                line_error(
                    errors,
                    "lines",
                    number,
                    _("%(obj)s is not an item of %(school)s.") % {"obj": item, "school": school},
                )
            else:
                name = name or item.name
                spec = spec or item.spec
                unit = unit or item.unit
            if store is not None and (not links.is_store(store) or not links.store_usable(store, school)):
                line_error(
                    errors,
                    "lines",
                    number,
                    _("%(obj)s is not a store of %(school)s.") % {"obj": store, "school": school},
                )
            category, room, tracking = None, None, AssetTracking.BATCH
        else:
            if category is None:
                line_error(errors, "lines", number, _("choose the asset category."))
            elif not links.is_category(category) or not links.category_usable(category, school):
                line_error(
                    errors,
                    "lines",
                    number,
                    _("%(obj)s is not a category of %(school)s.") % {"obj": category, "school": school},
                )
            if not name:
                line_error(errors, "lines", number, _("name the equipment."))
            if quantity is not None and not is_whole(quantity):
                line_error(errors, "lines", number, _("equipment is counted in whole items."))
            if room is not None and not same_school(room, school):
                line_error(
                    errors,
                    "lines",
                    number,
                    _("%(obj)s is not a room of %(school)s.") % {"obj": room, "school": school},
                )
            if tracking not in AssetTracking.values:
                line_error(errors, "lines", number, _("choose how the items are carded."))
            item, store = None, None
            unit = unit or (category.unit if links.is_category(category) else "")
        if len(name) > 100 or len(spec) > 200 or len(unit) > 10:
            line_error(errors, "lines", number, _("name, specification or unit too long."))
        line.update(
            item=item,
            asset_category=category,
            name=name,
            specification=spec,
            unit=unit,
            quantity=quantity,
            estimated_unit_price=price,
            room=room,
            store=store,
            asset_tracking=tracking,
        )
        if quantity is not None and price is not None:
            line["estimated_amount"] = money(quantity * price)
        cleaned.append(line)
    return cleaned


def _save_lines(request, lines):
    request.lines.all().delete()
    PurchaseRequestLine.objects.bulk_create([PurchaseRequestLine(request=request, **line) for line in lines])
    request.estimated_total = money(sum((line["estimated_amount"] for line in lines), 0))


def _lines_repr(request):
    return [
        f"{line.position}. {line} × {line.quantity.normalize():f} {line.unit} @ {line.estimated_unit_price}"
        for line in request.lines.order_by("position", "pk")
    ]


def purchase_request_create(*, actor, school, data, lines):
    """A department's draft request: header (title, department, reason, budget line, urgent,
    needed by) and lines (a supply item with its store, or equipment with its asset category and
    room; quantity and estimated unit price)."""
    require(actor, model_perm(PurchaseRequest, "add"), school)
    if actor is None:
        raise PermissionDenied(_("A request needs a requester."))
    errors = {}
    header = _header(data, school, errors)
    cleaned = _lines(lines, school, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request = PurchaseRequest.objects.create(school=school, requested_by=actor, **header)
        _save_lines(request, cleaned)
        request.save(update_fields=["estimated_total"])
        changelog_record(
            actor=actor,
            obj=request,
            action=ChangeAction.CREATE,
            after={**snapshot(request), "lines": _lines_repr(request)},
        )
    return request


def may_edit(actor, request):
    """The requester, or someone of the logistics office (change permission at the school)."""
    return actor is not None and (
        request.requested_by_id == actor.pk
        or access.has_perm(actor, model_perm(PurchaseRequest, "change"), request.school)
    )


def purchase_request_update(*, actor, instance, data, lines=None):
    """Change a draft (its header, and its lines when `lines` is given)."""
    if not may_edit(actor, instance):
        raise PermissionDenied(_("Only the requester or the logistics office may change this request."))
    errors = {}
    header = _header(data, instance.school, errors, instance=instance)
    cleaned = _lines(lines, instance.school, errors) if lines is not None else None
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = PurchaseRequest.objects.select_for_update().get(pk=instance.pk)
        if locked.status != RequestStatus.DRAFT:
            raise invalid(
                None,
                _("Only a draft can be changed; this request is %(status)s.")
                % {"status": locked.get_status_display().lower()},
            )
        before = {**snapshot(locked), "lines": _lines_repr(locked)}
        for field, value in header.items():
            setattr(locked, field, value)
        if cleaned is not None:
            _save_lines(locked, cleaned)
        locked.save()
        changelog_record(
            actor=actor,
            obj=locked,
            action=ChangeAction.UPDATE,
            before=before,
            after={**snapshot(locked), "lines": _lines_repr(locked)},
        )
    return locked


def purchase_request_delete(*, actor, instance):
    """Delete a draft (a submitted request stays, whatever became of it)."""
    if not (
        actor is not None
        and (
            instance.requested_by_id == actor.pk
            or access.has_perm(actor, model_perm(PurchaseRequest, "delete"), instance.school)
        )
    ):
        raise PermissionDenied
    with transaction.atomic():
        locked = PurchaseRequest.objects.select_for_update().get(pk=instance.pk)
        if locked.status != RequestStatus.DRAFT or locked.approval_request_id:
            raise invalid(None, _("Only a draft that was never submitted can be deleted; cancel it instead."))
        before = {**snapshot(locked), "lines": _lines_repr(locked)}
        pk = locked.pk
        locked.delete()
        locked.pk = pk
        changelog_record(
            actor=actor, obj=locked, action=ChangeAction.DELETE, before=before, school=instance.school
        )


# ---------------------------------------------------------------------------------------------
# Submission and the engine's callbacks


def purchase_request_submit(*, actor, request):
    """The requester sends a draft for approval: its total decides the steps (the engine's
    policy for "procurement.purchase_request"), its procurement class and the split-purchase
    watch are fixed now, and it takes the approval's number (CG-2026-0001)."""
    if actor is None or request.requested_by_id != actor.pk:
        raise PermissionDenied(_("Only the requester submits a request."))
    purchase_policy_ensure(school=request.school)
    with transaction.atomic():
        locked = (
            PurchaseRequest.objects.select_for_update(of=("self",))
            .select_related("school")
            .get(pk=request.pk)
        )
        if locked.status != RequestStatus.DRAFT:
            raise invalid(
                None,
                _("This request is already %(status)s.") % {"status": locked.get_status_display().lower()},
            )
        if not locked.lines.exists():
            raise invalid("lines", _("Add at least one line."))
        before = snapshot(locked)
        now = timezone.now()
        locked.submitted_at = now
        locked.procurement_class = procurement_class_for(locked.estimated_total, locked.school)
        warnings = split_warnings(locked, when=now)
        locked.split_flag = bool(warnings)
        locked.split_detail = warnings
        approval = approval_submit(
            actor=actor,
            school=locked.school,
            kind=REQUEST_KIND,
            title=locked.title,
            amount=locked.estimated_total,
            description=locked.reason,
            document=locked,
        )
        locked.approval_request = approval
        locked.number = approval.number
        locked.status = RequestStatus.PENDING
        locked.save()
        changelog_record(actor=actor, obj=locked, action=ChangeAction.UPDATE, before=before)
    return locked


def purchase_request_withdraw(*, actor, request):
    """The requester takes back a request still waiting for approval; it is a draft again."""
    if request.approval_request_id is None or request.status != RequestStatus.PENDING:
        raise invalid(None, _("Only a request waiting for approval can be withdrawn."))
    approval_withdraw(actor=actor, request=request.approval_request)
    request.refresh_from_db()
    return request


def _document(approval):
    return (
        PurchaseRequest.objects.select_for_update(of=("self",))
        .select_related("school")
        .get(pk=approval.object_id)
    )


def _office_people(school):
    """Who buys for the school: its heads of logistics (to tell them a request is approved)."""
    from houqin.core.models import User

    return User.objects.filter(
        is_active=True,
        memberships__role__code="head_of_logistics",
        memberships__school__path__in=school.ancestor_paths(),
    ).distinct()


def purchase_request_approved(approval):
    """Engine callback (inside the decision's transaction): the lines may now be ordered."""
    request = _document(approval)
    before = snapshot(request)
    request.status = RequestStatus.APPROVED
    request.approved_at = approval.decided_at or timezone.now()
    request.save(update_fields=["status", "approved_at", "updated_at"])
    changelog_record(actor=None, obj=request, action=ChangeAction.UPDATE, before=before)
    for user in _office_people(request.school):
        if user.pk != request.requested_by_id:
            notify(
                user=user,
                title=_("Approved, to be bought: %(request)s") % {"request": request},
                url=request.get_absolute_url(),
                school=request.school,
            )


def purchase_request_rejected(approval):
    request = _document(approval)
    before = snapshot(request)
    request.status = RequestStatus.REJECTED
    request.save(update_fields=["status", "updated_at"])
    changelog_record(actor=None, obj=request, action=ChangeAction.UPDATE, before=before)


def purchase_request_withdrawn(approval):
    request = _document(approval)
    before = snapshot(request)
    request.status = RequestStatus.DRAFT
    request.save(update_fields=["status", "updated_at"])
    changelog_record(actor=approval.requester, obj=request, action=ChangeAction.UPDATE, before=before)


def purchase_request_cancel(*, actor, request, reason):
    """Give up an approved request of which nothing was ordered (or a draft)."""
    reason = (reason or "").strip()
    if not reason:
        raise invalid("reason", _("Say why the request is cancelled."))
    if not may_edit(actor, request):
        raise PermissionDenied(_("Only the requester or the logistics office may cancel this request."))
    with transaction.atomic():
        locked = PurchaseRequest.objects.select_for_update().get(pk=request.pk)
        if (
            locked.status not in (RequestStatus.DRAFT, RequestStatus.APPROVED)
            or locked.lines.filter(ordered_quantity__gt=0).exists()
        ):
            raise invalid(
                None, _("Only a draft or an approved request with nothing ordered can be cancelled.")
            )
        before = snapshot(locked)
        locked.status = RequestStatus.CANCELLED
        locked.save(update_fields=["status", "updated_at"])
        changelog_record(
            actor=actor,
            obj=locked,
            action=ChangeAction.UPDATE,
            before=before,
            after={**snapshot(locked), "reason": reason},
        )
    return locked
