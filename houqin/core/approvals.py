"""The document kinds that go through the approval engine, registered in code.

An app registers each kind of document it sends for approval once, at import time:

    register_document_kind("procurement.purchaserequest", _("Purchase request"), "CG",
                           on_approved=purchase_request_approved)

The callbacks receive the ApprovalRequest and run inside the transaction of the decision, so a
document moves on (purchase request -> ready to order) together with its approval or not at all;
a callback that raises a ValidationError refuses the decision.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class DocumentKind:
    kind: str
    label: Any
    number_prefix: str
    on_approved: Callable | None = None
    on_rejected: Callable | None = None
    on_withdrawn: Callable | None = None


DOCUMENT_KINDS: dict[str, DocumentKind] = {}

GENERAL_REQUEST = "core.general"


def register_document_kind(kind, label, number_prefix, on_approved=None, on_rejected=None, on_withdrawn=None):
    """Make `kind` ("app.model") known to the engine. Registering the same kind again replaces
    it (a module imported twice, a test registering its own kind)."""
    if not kind or not number_prefix:
        raise ValueError("a document kind needs a kind and a number prefix")
    entry = DocumentKind(
        kind=kind,
        label=label,
        number_prefix=number_prefix,
        on_approved=on_approved,
        on_rejected=on_rejected,
        on_withdrawn=on_withdrawn,
    )
    DOCUMENT_KINDS[kind] = entry
    return entry


def document_kind(kind):
    """The registered kind, or None."""
    return DOCUMENT_KINDS.get(kind)


def kind_label(kind):
    """The label shown for a kind; the raw code when the kind is no longer registered."""
    entry = DOCUMENT_KINDS.get(kind)
    return entry.label if entry is not None else kind


def kind_choices():
    """(kind, label) pairs for forms and filters, in label order."""
    return sorted(((k, v.label) for k, v in DOCUMENT_KINDS.items()), key=lambda kv: str(kv[1]))


# Paper 请示 / 申请单: any request a person puts to the school's leaders, with or without money.
register_document_kind(GENERAL_REQUEST, _("General request"), "SP")
