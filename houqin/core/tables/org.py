"""The people list: one row per membership (a person with two roles has two rows)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import access
from ..models import Membership
from . import ObjectTable


class MembershipTable(ObjectTable):
    username = tables.Column(
        accessor="user__username",
        verbose_name=_("Username"),
        linkify=lambda record: reverse("core:user_detail", args=[record.user_id]),
    )
    full_name = tables.Column(accessor="user__full_name", verbose_name=_("Full name"))
    phone = tables.Column(accessor="user__phone", verbose_name=_("Phone"))
    role = tables.Column(verbose_name=_("Role"))
    school = tables.Column(verbose_name=_("Organisation unit"))
    department = tables.Column(verbose_name=_("Department"))
    title = tables.Column(verbose_name=_("Title"))
    actions = tables.Column(empty_values=(), orderable=False, verbose_name="", exclude_from_export=True)

    class Meta(ObjectTable.Meta):
        model = Membership
        fields = ("username", "full_name", "phone", "role", "school", "department", "title")

    def render_actions(self, record):
        user = getattr(self.request, "user", None)
        if user is None or not access.has_perm(user, "core.manage_members", record.school):
            return ""
        return format_html(
            '<a class="button small danger" href="{}">{}</a>',
            reverse("core:membership_delete", args=[record.pk]),
            _("Remove"),
        )
