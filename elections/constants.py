"""Choices shared by the models, the rules and the screens."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    RETURNED = "returned", _("Returned for correction")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded")
    VOID = "void", _("Void")


#: The officer may still change the record in these states.
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.RETURNED})
#: Nothing about the record may change any more in these states (R9).
LOCKED_STATUSES = frozenset({Status.APPROVED, Status.SUPERSEDED, Status.VOID})


class Decision(models.TextChoices):
    REUNIFY = "reunify", _("Take my child with me")
    WAIVE = "waive", _("Leave my child in the United States")
    CONSULT = "consult", _("Speak with a lawyer before deciding")


#: Decisions that let removal proceed once approved; consult never does.
FINAL_DECISIONS = frozenset({Decision.REUNIFY, Decision.WAIVE})


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    AUDITOR = "auditor", _("Auditor")


class DeliveryMode(models.TextChoices):
    PARENT_READ = "parent_read", _("The parent read the notice")
    OFFICER_READ = "officer_read", _("The officer read the notice aloud")
    INTERPRETER_IN_PERSON = "interpreter_in_person", _("An interpreter in the room")
    INTERPRETER_TELEPHONE = "interpreter_telephone", _("An interpreter by telephone")


INTERPRETER_MODES = frozenset(
    {DeliveryMode.INTERPRETER_IN_PERSON, DeliveryMode.INTERPRETER_TELEPHONE}
)


class IdentityMethod(models.TextChoices):
    FINGERPRINTS = "fingerprints", _("Fingerprints matched the detention record")
    PHOTO_ID = "photo_id", _("Photo identity document")
    BOOKING_PHOTO = "booking_photo", _("Booking photograph and detention record")
    CONSULAR_DOCUMENT = "consular_document", _("Consular or travel document")


class Relationship(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    LEGAL_GUARDIAN = "legal_guardian", _("Legal guardian")


class RelationshipEvidence(models.TextChoices):
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    DNA = "dna", _("DNA test")
    ORR_RECORD = "orr_record", _("Office of Refugee Resettlement case file")
    CONSISTENT_STATEMENTS = "statements", _("Consistent statements of parent and child")
    NOT_VERIFIED = "not_verified", _("Not yet verified")


class SignatureRole(models.TextChoices):
    PARENT = "parent", _("Parent")
    INTERPRETER = "interpreter", _("Interpreter")
    WITNESS = "witness", _("Witness")
    OFFICER = "officer", _("Presenting officer")


class SignatureMethod(models.TextChoices):
    DRAWN = "drawn", _("Signed on the tablet")
    MARK = "mark", _("Made a mark, witnessed")
    REFUSED = "refused", _("Refused to sign")
    UNABLE = "unable", _("Unable to sign")
    TELEPHONE = "telephone", _("Attested by telephone")


#: A parent signature by one of these methods records no election (R12).
NO_ELECTION_METHODS = frozenset({SignatureMethod.REFUSED, SignatureMethod.UNABLE})


class ChildLocationKind(models.TextChoices):
    ORR_SHELTER = "orr_shelter", _("ORR shelter")
    ORR_FOSTER = "orr_foster", _("ORR foster care")
    SPONSOR = "sponsor", _("With a sponsor")
    FAMILY_CENTER = "family_center", _("Family residential center")
    OTHER = "other", _("Other")


class Performer(models.TextChoices):
    """Who performed an event in the history, beside the staff member it is recorded under.

    The history user is the staff member accountable for the event: the one who did it, or, for
    the parent's and an in-person interpreter's acts, the officer on whose tablet they did it.
    Events written before this was kept have no performer (an empty value).
    """

    STAFF = "staff", _("the signed-in staff member")
    STAFF_PASSWORD = "staff_password", _("a staff member who re-entered their password")
    PARENT = "parent", _("the parent, on the officer's tablet")
    INTERPRETER = "interpreter", _("the interpreter, on the officer's tablet")
