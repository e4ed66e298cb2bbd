"""Every core model with pages and an API registers here (imported by CoreConfig.ready)."""

from . import places  # noqa: F401
