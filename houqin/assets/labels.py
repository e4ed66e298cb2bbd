"""QR labels for asset cards: a PDF sheet (weasyprint) in a common self-adhesive layout.

Each label: school, asset number, name, and the card's QR code drawn with segno. The code
encodes the maintenance app's public entry for the card (/maintenance/r/<signed token>/): a
logged-in member who may see the card lands on its page, anyone else on the form to report a
fault with it. The stocktake scan box reads the same address.
"""

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from houqin.core.qr import absolute_url, qr_svg_inline
from houqin.maintenance.services.public import qr_path

# Page A4 (210 × 297 mm); label size and grid as sold (Avery-style sheets).
LAYOUTS = {
    "a4_3x8": {"label": _("A4, 3 × 8 labels of 70 × 37 mm"), "cols": 3, "rows": 8, "w": 70, "h": 37},
    "a4_2x5": {"label": _("A4, 2 × 5 labels of 105 × 57 mm"), "cols": 2, "rows": 5, "w": 105, "h": 57},
    "a4_4x10": {
        "label": _("A4, 4 × 10 labels of 52.5 × 29.7 mm"),
        "cols": 4,
        "rows": 10,
        "w": 52.5,
        "h": 29.7,
    },
}
MAX_LABELS = 2400  # 100 sheets of 24: a larger print is split by filter


def labels_per_page(layout):
    spec = LAYOUTS[layout]
    return spec["cols"] * spec["rows"]


def labels_pdf(assets, *, layout="a4_3x8", request=None):
    """The PDF (bytes) of one label per card of `assets` (cards with school loaded), in order."""
    from weasyprint import CSS, HTML

    spec = LAYOUTS[layout]
    per_page = spec["cols"] * spec["rows"]
    labels = [
        {
            "school": a.school.name,
            "code": a.code,
            "name": a.name,
            "qr": qr_svg_inline(absolute_url(qr_path(a), request)),
        }
        for a in assets
    ]
    pages = [labels[i : i + per_page] for i in range(0, len(labels), per_page)] or [[]]
    # Margins centre the grid on the sheet.
    margin_x = (210 - spec["cols"] * spec["w"]) / 2
    margin_y = (297 - spec["rows"] * spec["h"]) / 2
    ctx = {
        "pages": pages,
        "spec": spec,
        "margin_x": margin_x,
        "margin_y": margin_y,
        "layout": layout,
        "qr_mm": spec["h"] - 6,
    }
    # The sheet's CSS is a separate stylesheet: templates carry no <style> (the CSP rule).
    css = CSS(string=render_to_string("assets/labels_pdf.css", ctx))
    return HTML(string=render_to_string("assets/labels_pdf.html", ctx)).write_pdf(stylesheets=[css])
