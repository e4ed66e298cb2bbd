"""Suppliers and their certificates: register, edit, block and unblock, delete when unused."""

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core.models import ChangeAction
from houqin.core.permissions import model_perm
from houqin.core.services.changelog import changelog_record, snapshot
from houqin.core.services.objects import object_delete

from ..choices import CertificateKind
from ..models import Supplier, SupplierCertificate
from ..permissions import BLOCK_SUPPLIER
from .common import invalid, require, same_school, to_date

SUPPLIER_FIELDS = (
    "name",
    "credit_code",
    "contact_person",
    "phone",
    "email",
    "address",
    "bank_account",
    "goods",
    "note",
)
CERTIFICATE_FIELDS = ("supplier", "kind", "number", "issued_by", "issued_on", "expires_on", "note")
CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def _supplier_errors(supplier):
    errors = {}
    supplier.name = (supplier.name or "").strip()
    supplier.credit_code = (supplier.credit_code or "").strip().upper()
    if supplier.credit_code and not CREDIT_CODE.match(supplier.credit_code):
        errors["credit_code"] = _("A unified social credit code is 18 digits and capital letters.")
    if supplier.name:
        clash = Supplier.objects.filter(school=supplier.school, name__iexact=supplier.name)
        if supplier.pk:
            clash = clash.exclude(pk=supplier.pk)
        if clash.exists():
            errors["name"] = _("%(school)s already has a supplier called %(name)s.") % {
                "school": supplier.school,
                "name": supplier.name,
            }
    try:
        supplier.full_clean(exclude=["school"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages)
    return errors


def supplier_create(*, actor, school, data):
    """Register a supplier of `school` with its contacts (not blocked)."""
    require(actor, model_perm(Supplier, "add"), school)
    supplier = Supplier(school=school, **{k: data[k] for k in SUPPLIER_FIELDS if data.get(k) is not None})
    errors = _supplier_errors(supplier)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            supplier.save()
            changelog_record(actor=actor, obj=supplier, action=ChangeAction.CREATE)
    except IntegrityError:
        raise invalid(
            "name",
            _("%(school)s already has a supplier called %(name)s.")
            % {
                "school": school,
                "name": supplier.name,
            },
        )
    return supplier


def supplier_update(*, actor, instance, data):
    """Change a supplier's details (its blocked flag changes only by blocking or unblocking)."""
    require(actor, model_perm(Supplier, "change"), instance.school)
    with transaction.atomic():
        locked = Supplier.objects.select_for_update().get(pk=instance.pk)
        before = snapshot(locked)
        for field in SUPPLIER_FIELDS:
            if field in data:
                setattr(locked, field, data[field] if data[field] is not None else "")
        errors = _supplier_errors(locked)
        if errors:
            raise ValidationError(errors)
        locked.save()
        changelog_record(actor=actor, obj=locked, action=ChangeAction.UPDATE, before=before)
    return locked


def supplier_delete(*, actor, instance):
    """Delete a supplier nobody quoted or ordered from; its history is otherwise kept (block it)."""
    require(actor, model_perm(Supplier, "delete"), instance.school)
    if instance.quotes.exists() or instance.orders.exists():
        raise invalid(
            None,
            _("%(supplier)s has quotes or orders; block it instead of deleting it.") % {"supplier": instance},
        )
    with transaction.atomic():
        for certificate in list(instance.certificates.all()):
            object_delete(actor=actor, instance=certificate)
        object_delete(actor=actor, instance=instance)


def supplier_block(*, actor, supplier, reason):
    """Stop quoting and ordering from a supplier (its history stays)."""
    require(actor, BLOCK_SUPPLIER, supplier.school)
    reason = (reason or "").strip()
    if not reason:
        raise invalid("reason", _("Say why the supplier is blocked."))
    if len(reason) > 200:
        raise invalid("reason", _("At most 200 characters."))
    with transaction.atomic():
        locked = Supplier.objects.select_for_update().get(pk=supplier.pk)
        if locked.is_blocked:
            raise invalid(None, _("%(supplier)s is already blocked.") % {"supplier": locked})
        before = snapshot(locked)
        locked.is_blocked = True
        locked.blocked_reason = reason
        locked.blocked_at = timezone.now()
        locked.save(update_fields=["is_blocked", "blocked_reason", "blocked_at", "updated_at"])
        changelog_record(actor=actor, obj=locked, action=ChangeAction.UPDATE, before=before)
    return locked


def supplier_unblock(*, actor, supplier):
    require(actor, BLOCK_SUPPLIER, supplier.school)
    with transaction.atomic():
        locked = Supplier.objects.select_for_update().get(pk=supplier.pk)
        if not locked.is_blocked:
            raise invalid(None, _("%(supplier)s is not blocked.") % {"supplier": locked})
        before = snapshot(locked)
        locked.is_blocked = False
        locked.blocked_reason = ""
        locked.blocked_at = None
        locked.save(update_fields=["is_blocked", "blocked_reason", "blocked_at", "updated_at"])
        changelog_record(actor=actor, obj=locked, action=ChangeAction.UPDATE, before=before)
    return locked


# ---------------------------------------------------------------------------------------------
# Certificates


def _certificate_errors(certificate, school):
    errors = {}
    if certificate.supplier_id is None:
        errors["supplier"] = _("This field is required.")
    elif not same_school(certificate.supplier, school):
        errors["supplier"] = _("%(obj)s is not a supplier of %(school)s.") % {
            "obj": certificate.supplier,
            "school": school,
        }
    if certificate.kind not in CertificateKind.values:
        errors["kind"] = _("Choose one of the listed values.")
    certificate.issued_on = to_date(certificate.issued_on, "issued_on", errors)
    certificate.expires_on = to_date(certificate.expires_on, "expires_on", errors)
    if certificate.issued_on and certificate.expires_on and certificate.expires_on < certificate.issued_on:
        errors["expires_on"] = _("A certificate cannot expire before it was issued.")
    for field in ("number", "issued_by", "note"):
        setattr(certificate, field, (getattr(certificate, field) or "").strip())
    return errors


def certificate_create(*, actor, school, data):
    """Record a licence or certificate of one of the school's suppliers."""
    require(actor, model_perm(SupplierCertificate, "add"), school)
    certificate = SupplierCertificate(school=school, **{k: data.get(k) for k in CERTIFICATE_FIELDS})
    errors = _certificate_errors(certificate, school)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        certificate.save()
        changelog_record(actor=actor, obj=certificate, action=ChangeAction.CREATE)
    return certificate


def certificate_update(*, actor, instance, data):
    """Change a certificate (a renewal is a new expiry date: it will be reminded of again)."""
    require(actor, model_perm(SupplierCertificate, "change"), instance.school)
    with transaction.atomic():
        locked = SupplierCertificate.objects.select_for_update().get(pk=instance.pk)
        before = snapshot(locked)
        for field in CERTIFICATE_FIELDS:
            if field in data:
                setattr(locked, field, data[field])
        errors = _certificate_errors(locked, locked.school)
        if errors:
            raise ValidationError(errors)
        locked.save()
        changelog_record(actor=actor, obj=locked, action=ChangeAction.UPDATE, before=before)
    return locked


def certificate_delete(*, actor, instance):
    require(actor, model_perm(SupplierCertificate, "delete"), instance.school)
    object_delete(actor=actor, instance=instance)
