from django.utils.translation import gettext_lazy as _

from samenbieb.core.errors import DomainError


class InvalidRecord(DomainError):
    """A bibliographic record cannot enter the catalogue (no title, broken MARC, …)."""

    code = "invalid_record"


class UnreadableMarcFile(DomainError):
    """A file is neither ISO 2709 nor MARCXML, or cannot be opened."""

    code = "unreadable_marc_file"

    def __init__(self, reason: str) -> None:
        super().__init__(_("This file cannot be read as MARC: %(reason)s") % {"reason": reason})
