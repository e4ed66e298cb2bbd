"""Every core model with pages and an API registers here (imported by CoreConfig.ready)."""

from . import (
    approvals,  # noqa: F401
    changelog,  # noqa: F401
    org,  # noqa: F401
    places,  # noqa: F401
)
