"""Gap-free document numbers per school, kind and year."""

from django.db import models


class DocumentSequence(models.Model):
    """The last number handed out for (school, kind, year); incremented inside the caller's
    transaction, so a rolled-back document gives its number back and no gap appears."""

    school = models.ForeignKey("core.School", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "kind", "year"], name="document_sequence_unique")
        ]

    def __str__(self):
        return f"{self.kind}-{self.year}: {self.last}"
