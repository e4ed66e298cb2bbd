"""Widgets drawn in Python where Django's template-per-option rendering is too slow.

A district's list page has filters with a thousand rooms and hundreds of people; Django renders
each <option> through a template (about 0.2 ms each), which made the drop-downs cost more than
the page's rows. `FastSelect` writes the same HTML directly.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

SELECTED = mark_safe(" selected")


class FastSelect(forms.Select):
    """A <select> with the markup of forms.Select (selected, optgroups, attrs), without the
    option templates."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        parts = []
        # optgroups() marks the chosen options as Select would (one, or several when multiple).
        for group, options, _index in self.optgroups(name, self.format_value(value)):
            rows = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    ("" if o["value"] is None else o["value"], SELECTED if o["selected"] else "", o["label"])
                    for o in options
                ),
            )
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', group, rows) if group else rows)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final), mark_safe("".join(parts)))
