"""Scale data of purchasing for the synthetic city (`houqin seed-scale`).

Every school gets five suppliers with a licence each (one about to expire) and twenty purchase
requests of a semester: drafts, approved requests compared among three quotes, and requests
ordered from the chosen supplier (a few of those late). Like core's scale data this is written
in bulk for speed: no change log, no approvals of the engine, no notifications; the document
sequences continue where the numbers stop. Equipment lines use the national asset classification,
loaded through the asset register's own import when missing.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from houqin.assets.models import AssetCategory
from houqin.assets.services.categories import category_import
from houqin.core.models import DocumentSequence
from houqin.core.scale import SCALE_STEPS, SCHOOL_ROLES

from .choices import LineKind, OrderStatus, ProcurementClass, RequestStatus, SavingBasis
from .models import (
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseRequest,
    PurchaseRequestLine,
    Quote,
    QuoteComparison,
    QuoteLine,
    Supplier,
    SupplierCertificate,
)
from .services.orders import ORDER_PREFIX
from .services.requests import REQUEST_PREFIX

SUPPLIERS = ("城关家具厂", "星辉教学设备", "宏达办公家具", "太平文具店", "新华文化用品")
REQUESTS_PER_SCHOOL = 20
DAYS = 120
SEED = 2026
CENT = Decimal("0.01")
# The three quotes of a request, as factors of the estimate; the first (cheapest) is chosen.
FACTORS = (Decimal("0.95"), Decimal("0.99"), Decimal("1.03"))
CHOSEN = FACTORS[0]
# (category code, name, unit, unit price) of the equipment the requests ask for.
GOODS = [
    ("A05010200", "学生课桌", "张", Decimal("300.00")),
    ("A05010304", "学生椅", "把", Decimal("120.00")),
    ("A02020200", "投影仪", "台", Decimal("4800.00")),
    ("A02010100", "台式计算机", "台", Decimal("4200.00")),
]
HEAD = SCHOOL_ROLES.index("head_of_logistics")


def _people(ctx, school):
    people = ctx.people.get(school.pk) or []
    head = people[HEAD] if len(people) > HEAD else people[0]
    return head, people


def scale_procurement(ctx):
    if not AssetCategory.objects.filter(school__isnull=True).exists():
        category_import()
    categories = {
        c.code: c for c in AssetCategory.objects.filter(school__isnull=True, code__in=[g[0] for g in GOODS])
    }
    goods = [g for g in GOODS if g[0] in categories]
    rnd = random.Random(SEED)
    today = timezone.localdate()
    now = timezone.now()
    year = today.year
    suppliers, certificates = [], []
    for school in ctx.schools:
        for k, name in enumerate(SUPPLIERS):
            suppliers.append(
                Supplier(school=school, name=name, contact_person="经理", phone=f"0871-65{k:02d}0000")
            )
    ctx.bulk(Supplier, suppliers)
    by_school = {}
    for supplier in suppliers:
        by_school.setdefault(supplier.school_id, []).append(supplier)
        days = 15 if supplier.name == SUPPLIERS[1] else 400
        certificates.append(
            SupplierCertificate(
                school_id=supplier.school_id,
                supplier=supplier,
                kind="business_licence",
                number=f"SC{supplier.pk:010d}",
                expires_on=today + datetime.timedelta(days=days),
            )
        )
    ctx.bulk(SupplierCertificate, certificates)

    requests, plans = [], []
    for school in ctx.schools:
        head, people = _people(ctx, school)
        for n in range(REQUESTS_PER_SCHOOL):
            code, name, unit, price = goods[n % len(goods)]
            quantity = Decimal(rnd.choice((2, 5, 10, 20, 40)))
            total = (quantity * price).quantize(CENT)
            status = (RequestStatus.DRAFT, RequestStatus.APPROVED, RequestStatus.ORDERED)[n % 3]
            submitted = now - datetime.timedelta(days=rnd.randint(5, DAYS))
            requests.append(
                PurchaseRequest(
                    school=school,
                    number="" if status == RequestStatus.DRAFT else f"{REQUEST_PREFIX}-{year}-{n + 1:04d}",
                    title=f"{name}{int(quantity)}{unit}",
                    requested_by=people[-1] if people else head,
                    reason="规模测试",
                    status=status,
                    procurement_class="" if status == RequestStatus.DRAFT else ProcurementClass.QUOTES,
                    estimated_total=total,
                    submitted_at=None if status == RequestStatus.DRAFT else submitted,
                    approved_at=None
                    if status == RequestStatus.DRAFT
                    else submitted + datetime.timedelta(days=2),
                )
            )
            plans.append((school, head, people, categories[code], name, unit, price, quantity, status, n))
    ctx.bulk(PurchaseRequest, requests)
    lines = [
        PurchaseRequestLine(
            request=request,
            position=1,
            kind=LineKind.EQUIPMENT,
            asset_category=category,
            name=name,
            unit=unit,
            quantity=quantity,
            estimated_unit_price=price,
            estimated_amount=(quantity * price).quantize(CENT),
            ordered_quantity=quantity if status == RequestStatus.ORDERED else 0,
            ordered_amount=((price * CHOSEN).quantize(CENT) * quantity).quantize(CENT)
            if status == RequestStatus.ORDERED
            else 0,
        )
        for request, (_s, _h, _p, category, name, unit, price, quantity, status, _n) in zip(
            requests, plans, strict=True
        )
    ]
    ctx.bulk(PurchaseRequestLine, lines)

    quotes, quote_plans = [], []
    for request, line, plan in zip(requests, lines, plans, strict=True):
        school, head, _people_, _c, _name, _unit, price, quantity, status, _n = plan
        if status == RequestStatus.DRAFT:
            continue
        for k, factor in enumerate(FACTORS):
            unit_price = (price * factor).quantize(CENT)
            quotes.append(
                Quote(
                    school=school,
                    request=request,
                    supplier=by_school[school.pk][k],
                    quoted_on=request.submitted_at.date() + datetime.timedelta(days=3),
                    total=(unit_price * quantity).quantize(CENT),
                    recorded_by=head,
                )
            )
            quote_plans.append((line, unit_price))
    ctx.bulk(Quote, quotes)
    ctx.bulk(
        QuoteLine,
        [
            QuoteLine(quote=q, request_line=line, unit_price=p, amount=q.total)
            for q, (line, p) in zip(quotes, quote_plans, strict=True)
        ],
    )
    comparisons = []
    for i in range(0, len(quotes), 3):
        chosen, second = quotes[i], quotes[i + 1]
        comparisons.append(
            QuoteComparison(
                school=chosen.school,
                request=chosen.request,
                chosen_quote=chosen,
                quote_count=3,
                chosen_total=chosen.total,
                cheapest_total=chosen.total,
                reference_total=second.total,
                saving_basis=SavingBasis.NEXT_CHEAPEST,
                saving=second.total - chosen.total,
                decided_by=chosen.recorded_by,
                decided_at=chosen.request.approved_at + datetime.timedelta(days=4),
            )
        )
    ctx.bulk(QuoteComparison, comparisons)
    through = QuoteComparison.signers.through
    signer_rows = []
    for comparison in comparisons:
        _head, people = _people(ctx, comparison.school)
        for user in people[:3]:
            signer_rows.append(through(quotecomparison_id=comparison.pk, user_id=user.pk))
    ctx.bulk(through, signer_rows)

    orders, order_lines, buyer_rows, numbers = [], [], [], {}
    chosen_by_request = {c.request_id: c.chosen_quote for c in comparisons}
    for request, line in zip(requests, lines, strict=True):
        if request.status != RequestStatus.ORDERED:
            continue
        quote = chosen_by_request[request.pk]
        numbers[request.school_id] = numbers.get(request.school_id, 0) + 1
        ordered_on = (request.approved_at + datetime.timedelta(days=6)).date()
        orders.append(
            PurchaseOrder(
                school=request.school,
                number=f"{ORDER_PREFIX}-{year}-{numbers[request.school_id]:04d}",
                supplier=quote.supplier,
                status=OrderStatus.OPEN,
                ordered_on=ordered_on,
                expected_on=ordered_on + datetime.timedelta(days=rnd.choice((7, 14, 60))),
                total=quote.total,
                created_by=quote.recorded_by,
            )
        )
        order_lines.append((line, quote))
    ctx.bulk(PurchaseOrder, orders)
    ctx.bulk(
        PurchaseOrderLine,
        [
            PurchaseOrderLine(
                order=order,
                request_line=line,
                quantity=line.quantity,
                unit_price=(line.estimated_unit_price * CHOSEN).quantize(CENT),
                amount=quote.total,
            )
            for order, (line, quote) in zip(orders, order_lines, strict=True)
        ],
    )
    for order in orders:
        _head, people = _people(ctx, order.school)
        for user in people[1:3]:
            buyer_rows.append(PurchaseOrder.buyers.through(purchaseorder_id=order.pk, user_id=user.pk))
    ctx.bulk(PurchaseOrder.buyers.through, buyer_rows)
    sequences = []
    for school in ctx.schools:
        sequences.append(
            DocumentSequence(school=school, prefix=REQUEST_PREFIX, year=year, last=REQUESTS_PER_SCHOOL)
        )
        if numbers.get(school.pk):
            sequences.append(
                DocumentSequence(school=school, prefix=ORDER_PREFIX, year=year, last=numbers[school.pk])
            )
    ctx.bulk(DocumentSequence, sequences)


SCALE_STEPS.append(scale_procurement)
