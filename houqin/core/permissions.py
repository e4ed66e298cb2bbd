"""The permission catalogue and the default roles.

Permission codes follow Django's "app.action_model" form. Apps add theirs with
`register_permissions`; model permissions (view/add/change/delete) are registered for every
model that gets generic pages. Roles hold patterns ("assets.*", "*.view_*") so that a new
app's permissions reach the right roles without a data migration.
"""

from fnmatch import fnmatchcase

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

PERMISSIONS: dict[str, str] = {}


def register_permissions(items):
    """Add {code: label} to the catalogue shown on the role editor."""
    PERMISSIONS.update(items)


def register_model_permissions(model):
    meta = model._meta
    for action, label in (
        ("view", _("View")),
        ("add", _("Add")),
        ("change", _("Change")),
        ("delete", _("Delete")),
    ):
        # Lazy, so the label follows the reader's language, not the one active at import.
        PERMISSIONS.setdefault(
            f"{meta.app_label}.{action}_{meta.model_name}", format_lazy("{} · {}", label, meta.verbose_name)
        )


def model_perm(model, action):
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def pattern_grants(patterns, code):
    return any(fnmatchcase(code, p) for p in patterns)


register_permissions(
    {
        "core.manage_members": _("Manage users and memberships"),
        "core.manage_roles": _("Edit role permissions"),
        "core.manage_rules": _("Edit the rule book"),
        "core.manage_approval_policies": _("Edit approval policies"),
        "core.submit_request": _("Submit requests for approval"),
        "core.view_changelog": _("Read the change log"),
        "core.export": _("Export lists"),
    }
)

VIEW_ALL = "*.view_*"
EDIT_CORE_PLACES = ["core.*_campus", "core.*_building", "core.*_room", "core.*_department"]
# Anyone who works at a school may report a fault (报修); auditors only read.
REPORT_REPAIR = "maintenance.add_repairrequest"
# Anyone who works at a school may ask the store for supplies (领用).
ASK_SUPPLIES = ["supplies.add_requisition", "supplies.view_requisition"]

# code, Chinese name via gettext, default permission patterns. Order is the display order.
DEFAULT_ROLES = [
    ("admin", _("System administrator"), ["*"]),
    (
        "district_supervisor",
        _("District supervisor"),
        [
            REPORT_REPAIR,
            VIEW_ALL,
            "core.export",
            "core.submit_request",
            "core.manage_rules",
            "core.manage_roles",
            "core.manage_approval_policies",
            "core.*_semester",
            "core.view_changelog",
        ],
    ),
    (
        "principal",
        _("Principal"),
        [
            *ASK_SUPPLIES,
            REPORT_REPAIR,
            VIEW_ALL,
            "core.export",
            "core.submit_request",
            "core.view_changelog",
            "core.manage_approval_policies",
            "core.*_semester",
        ],
    ),
    (
        "head_of_logistics",
        _("Head of logistics"),
        [
            VIEW_ALL,
            "core.export",
            "core.submit_request",
            "core.view_changelog",
            "core.*_attachment",
            *EDIT_CORE_PLACES,
            "assets.*",
            "supplies.*",
            "procurement.*",
            "maintenance.*",
            "facilities.*",
            "staff.*",
            "reports.*",
        ],
    ),
    (
        "storekeeper",
        _("Custodian / storekeeper"),
        [
            REPORT_REPAIR,
            VIEW_ALL,
            "core.export",
            "core.submit_request",
            "core.add_attachment",
            "assets.*",
            "supplies.*",
            "procurement.add_inspection",
        ],
    ),
    (
        "logistics_staff",
        _("Logistics staff"),
        [
            *ASK_SUPPLIES,
            VIEW_ALL,
            "core.submit_request",
            "core.add_attachment",
            "maintenance.*",
            "facilities.*",
        ],
    ),
    (
        "repair_worker",
        _("Repair worker"),
        [*ASK_SUPPLIES, "core.view_*", "maintenance.*", "core.add_attachment"],
    ),
    (
        "canteen_manager",
        _("Canteen manager"),
        [*ASK_SUPPLIES, REPORT_REPAIR, VIEW_ALL, "core.submit_request", "core.add_attachment", "canteen.*"],
    ),
    (
        "safety_officer",
        _("Safety officer"),
        [*ASK_SUPPLIES, REPORT_REPAIR, VIEW_ALL, "core.submit_request", "core.add_attachment", "safety.*"],
    ),
    (
        "accountant",
        _("Accountant"),
        [*ASK_SUPPLIES, REPORT_REPAIR, VIEW_ALL, "core.export", "core.submit_request", "finance.*"],
    ),
    ("cashier", _("Cashier"), [*ASK_SUPPLIES, REPORT_REPAIR, VIEW_ALL, "finance.view_*", "finance.pay_*"]),
    ("auditor", _("Auditor"), [VIEW_ALL, "core.export", "core.view_changelog"]),
    (
        "teacher",
        _("Teacher"),
        [
            "core.view_school",
            "core.view_department",
            "core.view_campus",
            "core.view_building",
            "core.view_room",
            "core.view_semester",
            "core.view_attachment",
            "core.add_attachment",
            "core.submit_request",
            "maintenance.add_repairrequest",
            "maintenance.view_repairrequest",
            "supplies.add_requisition",
            "supplies.view_requisition",
            "procurement.add_purchaserequest",
            "procurement.view_purchaserequest",
            "assets.view_asset",
        ],
    ),
]
