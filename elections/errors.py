"""The errors the domain's transitions raise, below both ``workflow`` and ``records.sealing``
(sealing raises them inside the approval transaction), so neither imports the other for them.
``elections.workflow`` re-exports them under their old names."""

from . import rules


class TransitionError(Exception):
    """A transition that may not happen; the message is translated and safe to show."""

    def __init__(self, message, *, problems: list[rules.Problem] | None = None):
        super().__init__(str(message))
        self.message = message
        self.problems = problems or []


class RulesNotMet(TransitionError):
    pass


class PasswordNotConfirmed(TransitionError):
    """The supervisor did not re-enter their password, or entered a wrong one (recorded)."""


class StaleReview(TransitionError):
    """Someone acted on the election after the supervisor opened it; they must look again."""
