"""Gap-free document numbers per school, prefix (document kind) and year."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentSequence(models.Model):
    """The last number handed out for (school, prefix, year); incremented inside the caller's
    transaction (houqin.core.services.numbering), so a rolled-back document gives its number
    back and no gap appears."""

    school = models.ForeignKey("core.School", on_delete=models.CASCADE, related_name="+")
    prefix = models.CharField(_("prefix"), max_length=20)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document number sequence")
        verbose_name_plural = _("document number sequences")
        constraints = [
            models.UniqueConstraint(fields=["school", "prefix", "year"], name="document_sequence_unique")
        ]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last}"
