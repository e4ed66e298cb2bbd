"""School years and terms. The current semester is the one whose dates cover today."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .base import SchoolOwned


class Term(models.IntegerChoices):
    FIRST = 1, _("First term")
    SECOND = 2, _("Second term")


class Semester(SchoolOwned):
    """A term of a school year, set at a node (usually the central school) for its subtree."""

    school_year = models.CharField(_("school year"), max_length=9, help_text=_("e.g. 2026-2027"))
    term = models.PositiveSmallIntegerField(_("term"), choices=Term.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    class Meta:
        ordering = ["school", "-start_date"]
        verbose_name = _("semester")
        verbose_name_plural = _("semesters")
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year", "term"], name="semester_unique"),
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")), name="semester_dates"
            ),
        ]

    def __str__(self):
        return f"{self.school_year} {self.get_term_display()}"

    def get_absolute_url(self):
        return reverse("core:semester_detail", args=[self.pk])
