"""Cursor pagination for the elections list, with the total ``count`` DESIGN.md §7 promises."""

from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response


class ElectionCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    # Newest first; the id breaks ties between elections created in the same microsecond.
    ordering = ("-created_at", "-id")
    invalid_cursor_message = _("This cursor is not one the API gave out.")

    def paginate_queryset(self, queryset, request, view=None):
        self.count = queryset.count()
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"] = {
            "count": {"type": "integer", "example": 123},
            **response["properties"],
        }
        response["required"] = ["count", "next", "previous", "results"]
        return response
