"""The route-walking leak test for the API routes (/api/…): see tests/test_scoping_leaks.py."""

import pytest

from .test_scoping_leaks import check_route, params, world  # noqa: F401  (world: the fixture)


@pytest.mark.parametrize(("plan", "actor"), params(api=True))
def test_api_route(plan, actor, world, db, client):  # noqa: F811
    check_route(plan, actor, world, client)
