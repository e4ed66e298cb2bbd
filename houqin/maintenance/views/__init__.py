"""Pages of repairs and inspections."""
