"""The API answers in one format per endpoint, whatever ``Accept`` says: a client asking for
``application/pdf`` still gets its JSON error, never a 406."""

from rest_framework.negotiation import DefaultContentNegotiation


class FirstRendererNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        renderer = renderers[0]
        return renderer, renderer.media_type
