"""Kit and allotment pages: make a kit, allot it to the classes, issue in one action, print the
classes' slips, and the class head's signature."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from houqin.core import access
from houqin.core.permissions import model_perm
from houqin.core.views.actions import ObjectActionView, error_text
from houqin.core.views.generic import ObjectDetailView, ScopedViewMixin, apply_validation_error

from ..choices import TargetStatus
from ..forms import AllotmentForm, KitForm, KitLineForm, PupilsForm, line_formset
from ..models import Allotment, AllotmentTarget, Kit
from ..permissions import ALLOT
from ..selectors import allotment_shortage, target_needs
from ..services.allotments import (
    WAITING,
    allotment_create,
    allotment_issue,
    allotment_set_pupils,
    allotment_target_confirm,
    kit_create,
    kit_update,
)


class KitEditView(ScopedViewMixin, View):
    """A kit and its lines (add without pk, change with pk)."""

    model = Kit
    template_name = "supplies/kit_edit.html"

    def _prepare(self):
        if "pk" in self.kwargs:
            obj = self.get_object()
            self.check_perm("change", obj.school)
            return obj, obj.school
        scope = self.scope_or_403()
        self.check_perm("add", scope)
        return None, scope

    def forms(self, obj, school, data=None):
        user = self.request.user
        initial, lines = {"is_active": True}, []
        if obj is not None:
            initial = {"name": obj.name, "description": obj.description, "is_active": obj.is_active}
            lines = [
                {"item": line.item_id, "quantity": line.quantity, "per_pupil": line.per_pupil}
                for line in obj.lines.order_by("pk")
            ]
        form = KitForm(data, initial=initial)
        formset = line_formset(
            KitLineForm, data, user=user, school=school, initial=lines, blank_rows=3 if lines else 5
        )
        return form, formset

    def render_forms(self, obj, school, form, formset, status=200):
        ctx = {"object": obj, "school": school, "form": form, "formset": formset}
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request, *args, **kwargs):
        obj, school = self._prepare()
        return self.render_forms(obj, school, *self.forms(obj, school))

    def post(self, request, *args, **kwargs):
        obj, school = self._prepare()
        form, formset = self.forms(obj, school, data=request.POST)
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            try:
                if obj is None:
                    saved = kit_create(
                        actor=request.user,
                        school=school,
                        name=data["name"],
                        description=data["description"],
                        lines=formset.lines(),
                    )
                else:
                    saved = kit_update(
                        actor=request.user,
                        kit=obj,
                        name=data["name"],
                        description=data["description"],
                        is_active=data["is_active"],
                        lines=formset.lines(),
                    )
            except ValidationError as exc:
                apply_validation_error(form, exc)
                if hasattr(exc, "error_dict") and "lines" in exc.error_dict:
                    form.add_error(None, exc.error_dict["lines"])
            else:
                messages.success(request, _("Saved."))
                return redirect(saved.get_absolute_url())
        return self.render_forms(obj, school, form, formset, status=400)


class KitDetailView(ObjectDetailView):
    def extra_context(self, obj):
        return {
            "lines": list(obj.lines.select_related("item").order_by("pk")),
            "can_allot": access.has_perm(self.request.user, model_perm(Allotment, "add"), obj.school),
        }


class AllotmentCreateView(ScopedViewMixin, View):
    """Choose the kit, the store and the classes; the pupil counts come from the classes."""

    model = Allotment
    template_name = "supplies/allotment_create.html"

    def _prepare(self):
        scope = self.scope_or_403()
        self.check_perm("add", scope)
        return scope

    def render_form(self, form, school, status=200):
        return render(self.request, self.template_name, {"form": form, "school": school}, status=status)

    def get(self, request, *args, **kwargs):
        school = self._prepare()
        initial = {}
        if request.GET.get("kit", "").isdecimal():
            initial["kit"] = int(request.GET["kit"])
        return self.render_form(AllotmentForm(user=request.user, school=school, initial=initial), school)

    def post(self, request, *args, **kwargs):
        school = self._prepare()
        form = AllotmentForm(request.POST, user=request.user, school=school)
        if form.is_valid():
            data = form.cleaned_data
            try:
                allotment = allotment_create(
                    actor=request.user,
                    school=school,
                    title=data["title"],
                    kit=data["kit"],
                    store=data["store"],
                    rooms=list(data["rooms"]),
                    semester=data["semester"],
                    note=data["note"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Allotment made; check the pupil counts, then issue."))
                return redirect(allotment.get_absolute_url())
        return self.render_form(form, school, status=400)


class AllotmentDetailView(ObjectDetailView):
    def extra_context(self, obj):
        user = self.request.user
        lines = list(obj.lines.select_related("item").order_by("pk"))
        targets = list(
            obj.targets.select_related("room__building", "receiver", "confirmed_by").order_by(
                "room__building__name", "room__floor", "room__number"
            )
        )
        for target in targets:
            target.needs = target_needs(target, lines)
        can_change = access.has_perm(user, model_perm(Allotment, "change"), obj.school)
        waiting = [t for t in targets if t.status in WAITING]
        return {
            "lines": lines,
            "targets": targets,
            "shortage": allotment_shortage(obj, lines, targets) if waiting else [],
            "can_issue": bool(waiting) and access.has_perm(user, ALLOT, obj.school),
            "can_set_pupils": can_change,
            "counts": {
                status: sum(1 for t in targets if t.status == status) for status in TargetStatus.values
            },
        }


class AllotmentIssueView(ObjectActionView):
    model = Allotment
    perm = ALLOT

    def perform(self, obj, data):
        result = allotment_issue(actor=self.request.user, allotment=obj)
        if result.short:
            names = ", ".join(t.room.name or t.room.number for t in result.short)
            messages.warning(
                self.request,
                _("The store cannot cover %(n)s class(es): %(names)s. They stay on the shortage list.")
                % {"n": len(result.short), "names": names},
            )
        self.success_message = _("Issued to %(n)s class(es).") % {"n": len(result.issued)}


class AllotmentPupilsView(ObjectActionView):
    """Correct one class's pupil count (the POST names the class)."""

    model = Allotment
    form_class = PupilsForm

    def allowed(self, obj):
        return access.has_perm(self.request.user, model_perm(Allotment, "change"), obj.school)

    def perform(self, obj, data):
        target_id = self.request.POST.get("target", "")
        target = (
            obj.targets.filter(pk=int(target_id) if target_id.isdecimal() else 0)
            .select_related("room")
            .first()
        )
        if target is None:
            raise ValidationError(_("Choose a class of this allotment."))
        allotment_set_pupils(actor=self.request.user, target=target, pupils=data["pupils"])
        self.success_message = _("%(room)s: %(n)s pupils.") % {"room": target.room.name, "n": data["pupils"]}


class AllotmentSlipsView(ScopedViewMixin, View):
    """Every class's handover slip of an allotment, one per page, to print and sign on paper."""

    model = Allotment

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        self.check_perm("view", obj.school)
        lines = list(obj.lines.select_related("item").order_by("pk"))
        targets = list(
            obj.targets.select_related("room__building", "receiver", "confirmed_by", "issued_by").order_by(
                "room__building__name", "room__floor", "room__number"
            )
        )
        for target in targets:
            target.needs = target_needs(target, lines)
        ctx = {"allotment": obj, "targets": targets, "printed_at": timezone.now()}
        return render(request, "supplies/allotment_slips.html", ctx)


class TargetMixin(ScopedViewMixin):
    """A class of an allotment, seen by people of its school who may view allotments, or by its
    class head (who signs for it whatever their role)."""

    model = AllotmentTarget

    def get_object(self):
        qs = AllotmentTarget.objects.for_user(self.request.user).select_related(
            "allotment__store", "room__building", "receiver", "confirmed_by", "issued_by", "school"
        )
        return get_object_or_404(qs, pk=self.kwargs["pk"])

    def may_view(self, target):
        user = self.request.user
        return user.pk == target.receiver_id or access.has_perm(
            user, model_perm(Allotment, "view"), target.school
        )


class TargetSlipView(TargetMixin, View):
    """One class's handover slip: what it gets, and the class head's signature (or the button)."""

    def get(self, request, *args, **kwargs):
        target = self.get_object()
        if not self.may_view(target):
            raise PermissionDenied
        lines = list(target.allotment.lines.select_related("item").order_by("pk"))
        target.needs = target_needs(target, lines)
        ctx = {
            "allotment": target.allotment,
            "targets": [target],
            "single": True,
            "can_confirm": target.status == TargetStatus.ISSUED and request.user.pk == target.receiver_id,
            "printed_at": timezone.now(),
        }
        return render(request, "supplies/allotment_slips.html", ctx)


class TargetConfirmView(TargetMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        target = self.get_object()
        if request.user.pk != target.receiver_id:
            raise PermissionDenied
        try:
            allotment_target_confirm(actor=request.user, target=target)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Signed for. Thank you."))
        return redirect(target.get_absolute_url())
