"""Authentication backend that loads the user's staff profile and office with the user.

Every page needs the profile (role and field office are checked on every object), so it comes
in the same query as the user instead of one more on each request.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class StaffModelBackend(ModelBackend):
    def get_user(self, user_id):
        user = (
            get_user_model()
            ._default_manager.select_related("staff__office")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
