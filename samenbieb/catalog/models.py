"""The shared catalogue: one bibliographic record per title for the whole network.

Records are not tenant-owned: every library sees the same catalogue. The source MARC
record is kept beside the extracted fields, so an export gives back what was imported.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Format(models.TextChoices):
    BOOK = "book", _("Book")
    LARGE_PRINT = "large_print", _("Large print")
    EBOOK = "ebook", _("E-book")
    AUDIOBOOK = "audiobook", _("Audiobook")
    MUSIC = "music", _("Music recording")
    DVD = "dvd", _("DVD or Blu-ray")
    MAGAZINE = "magazine", _("Magazine")
    GAME = "game", _("Game")
    SHEET_MUSIC = "sheet_music", _("Sheet music")
    MAP = "map", _("Map")
    PODCAST = "podcast", _("Podcast")
    DATABASE = "database", _("Database")
    OTHER = "other", _("Other")


class Record(models.Model):
    """A title: what a public library shows, searches and lends copies of."""

    # What identifies the record across imports: "003:001" (the cataloguing agency and
    # its control number), else "isbn:<13 digits>", else a hash of title, author and year.
    match_key = models.CharField(_("match key"), max_length=120, unique=True)
    control_number = models.CharField(_("control number"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=500)
    subtitle = models.CharField(_("subtitle"), max_length=500, blank=True)
    responsibility = models.CharField(_("statement of responsibility"), max_length=500, blank=True)
    isbn = models.CharField(_("ISBN"), max_length=13, blank=True, db_index=True)
    issn = models.CharField(_("ISSN"), max_length=9, blank=True)
    language = models.CharField(_("language"), max_length=3, blank=True, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, db_index=True)
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    publication_place = models.CharField(_("place of publication"), max_length=200, blank=True)
    edition = models.CharField(_("edition"), max_length=200, blank=True)
    series = models.CharField(_("series"), max_length=300, blank=True)
    series_number = models.CharField(_("number in series"), max_length=30, blank=True)
    genre = models.CharField(_("genre"), max_length=100, blank=True)
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.BOOK, db_index=True
    )
    audience_min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    audience_max_age = models.PositiveSmallIntegerField(_("to age"), null=True, blank=True)
    avi_level = models.CharField(_("AVI reading level"), max_length=10, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    marc = models.BinaryField(_("MARC21 record (UTF-8, ISO 2709)"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    # Withdrawn from the catalogue; kept so harvesters (OAI-PMH) learn of the deletion.
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("record")
        verbose_name_plural = _("records")
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(audience_min_age__isnull=True)
                | Q(audience_max_age__isnull=True)
                | Q(audience_min_age__lte=models.F("audience_max_age")),
                name="record_audience_ages_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} : {self.subtitle}" if self.subtitle else self.title


class ContributorRole(models.TextChoices):
    AUTHOR = "author", _("Author")
    EDITOR = "editor", _("Editor")
    ILLUSTRATOR = "illustrator", _("Illustrator")
    TRANSLATOR = "translator", _("Translator")
    NARRATOR = "narrator", _("Narrator")
    COMPOSER = "composer", _("Composer")
    PERFORMER = "performer", _("Performer")
    DIRECTOR = "director", _("Director")
    CONTRIBUTOR = "contributor", _("Contributor")


class Contributor(models.Model):
    """A person or body responsible for a record, in the order the record names them."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="contributors")
    name = models.CharField(_("name"), max_length=300)
    role = models.CharField(
        _("role"), max_length=20, choices=ContributorRole.choices, default=ContributorRole.AUTHOR
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("contributor")
        verbose_name_plural = _("contributors")
        ordering = ["record_id", "position"]
        indexes = [models.Index(fields=["name"], name="contributor_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class Subject(models.Model):
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="subjects")
    term = models.CharField(_("term"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["record_id", "position"]
        indexes = [models.Index(fields=["term"], name="subject_term")]

    def __str__(self) -> str:
        return self.term


class IdentifierKind(models.TextChoices):
    ISBN = "isbn", "ISBN"
    ISSN = "issn", "ISSN"
    EAN = "ean", "EAN"


class Identifier(models.Model):
    """Every ISBN/ISSN/EAN of a record (a title often has several), for lookup by scan."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(_("kind"), max_length=4, choices=IdentifierKind.choices)
    value = models.CharField(_("value"), max_length=20)

    class Meta:
        verbose_name = _("identifier")
        verbose_name_plural = _("identifiers")
        constraints = [
            models.UniqueConstraint(fields=["record", "kind", "value"], name="identifier_unique"),
        ]
        indexes = [models.Index(fields=["kind", "value"], name="identifier_lookup")]

    def __str__(self) -> str:
        return f"{self.kind} {self.value}"


class DigitalKind(models.TextChoices):
    EBOOK = "ebook", _("E-book")
    AUDIOBOOK = "audiobook", _("Audiobook")
    PODCAST = "podcast", _("Podcast")
    DATABASE = "database", _("Database")


class Licence(models.TextChoices):
    ONE_COPY_ONE_USER = "one_copy_one_user", _("One copy, one user")
    SIMULTANEOUS = "simultaneous", _("Simultaneous use")


class DigitalResource(models.Model):
    """Online access to a record. Members reach it through ``token``, after logging in."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="digital_resources")
    kind = models.CharField(_("kind"), max_length=10, choices=DigitalKind.choices)
    licence = models.CharField(_("licence"), max_length=20, choices=Licence.choices)
    copies = models.PositiveIntegerField(
        _("copies"), null=True, blank=True, help_text=_("For one copy, one user licences.")
    )
    provider = models.CharField(_("provider"), max_length=150, blank=True)
    access_url = models.URLField(_("access address"), max_length=1000)
    # The public, unguessable handle in QR codes; the provider's address stays private.
    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("digital resource")
        verbose_name_plural = _("digital resources")
        constraints = [
            models.CheckConstraint(
                # NULL >= 1 is unknown, which a CHECK lets through: say "not null" too.
                condition=Q(licence="simultaneous") | Q(copies__isnull=False, copies__gte=1),
                name="digital_one_user_licence_has_copies",
                violation_error_message=_("A one copy, one user licence needs a number of copies."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record} ({self.get_kind_display()})"


class SearchFacets(models.Model):
    """What search filters and facets read, one row per searchable record.

    Only the search module writes these rows (see ``catalog/search/``). They sit beside the
    text index — on PostgreSQL in the very table that holds the ``tsvector`` — so a search
    never joins the records table: at one million records that join cost more than the
    text match itself. ``available_at`` lists where a copy is on the shelf, as
    ``|b<branch id>|…|o<organisation id>|…|``, and follows item changes through
    :func:`samenbieb.catalog.search.availability_refresh`. The table is made by migration
    0003 for each database, not by Django.
    """

    record_id = models.BigIntegerField(primary_key=True)
    format = models.CharField(max_length=20)
    language = models.CharField(max_length=3)
    year = models.PositiveSmallIntegerField(null=True)
    audience_min_age = models.PositiveSmallIntegerField(null=True)
    audience_max_age = models.PositiveSmallIntegerField(null=True)
    avi_level = models.CharField(max_length=10)
    available_at = models.TextField()

    class Meta:
        managed = False
        db_table = "catalog_search_document"

    def __str__(self) -> str:
        return f"search facets of record {self.record_id}"
