from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from ..pagination import CappedCountPaginator


class StandardPagination(PageNumberPagination):
    """Pages of 50 (up to 500); `count` stops at the cap (see core.pagination), and
    `count_capped` says when there are more rows than it."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    django_paginator_class = CappedCountPaginator

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "count_capped": self.page.paginator.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "True when there are more rows than `count` (the count stops at 10,000).",
        }
        schema["required"] = [*schema.get("required", []), "count_capped"]
        return schema
