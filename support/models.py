import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models import Municipality, School
from shnor_portal.files.models import Attachment, random_path

from .querysets import EventQuerySet


class EventType(models.TextChoices):
    SEMINAR = "seminar", _("seminar")
    WEBINAR = "webinar", _("webinar")
    MASTER_CLASS = "master_class", _("master class")
    METHODICAL_DAY = "methodical_day", _("methodical day (on-site)")
    CONSULTATION = "consultation", _("consultation")
    COURSES = "courses", _("professional development courses")
    INTERNSHIP = "internship", _("internship")
    MEETING = "meeting", _("meeting")
    ROUND_TABLE = "round_table", _("round table")
    CONTEST = "contest", _("contest")
    PARENT_MEETING = "parent_meeting", _("parent meeting")
    OTHER = "other", _("other")


# Methodological support: what the indicators count as «schools reached by methodological events».
METHODOLOGICAL_TYPES = (
    EventType.SEMINAR,
    EventType.WEBINAR,
    EventType.MASTER_CLASS,
    EventType.METHODICAL_DAY,
    EventType.CONSULTATION,
    EventType.COURSES,
    EventType.INTERNSHIP,
    EventType.ROUND_TABLE,
)


class EventFormat(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    REMOTE = "remote", _("remote")


class SupportEvent(models.Model):
    """A support event (seminar, methodical day, consultation …) for one or more target schools."""

    municipality = models.ForeignKey(
        Municipality, models.PROTECT, related_name="support_events", verbose_name=_("municipality")
    )
    type = models.CharField(_("type"), max_length=24, choices=EventType.choices)
    is_targeted = models.BooleanField(_("targeted (адресная)"), default=False)
    start = models.DateField(_("start date"))
    end = models.DateField(_("end date"), null=True, blank=True, help_text=_("Leave empty for a one-day event."))
    topic = models.CharField(_("topic"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    organiser_school = models.ForeignKey(
        School,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_events",
        verbose_name=_("organiser school"),
    )
    organiser_municipality = models.ForeignKey(
        Municipality,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_events",
        verbose_name=_("organiser municipality"),
    )
    organiser_text = models.CharField(_("organiser (as written)"), max_length=300, blank=True)
    format = models.CharField(_("format"), max_length=16, choices=EventFormat.choices, default=EventFormat.IN_PERSON)
    target_schools = models.ManyToManyField(
        School, through="EventSchool", related_name="support_events", verbose_name=_("target schools")
    )
    result = models.TextField(_("result"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("author")
    )

    objects = EventQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start", "topic"]
        verbose_name = _("support event")
        verbose_name_plural = _("support events")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="event_end_not_before_start",
                violation_error_message=_("The event cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.start:%d.%m.%Y} · {self.get_type_display()} · {self.topic}"

    def get_absolute_url(self):
        return reverse("support:event-detail", kwargs={"pk": self.pk})

    @property
    def last_day(self):
        return self.end or self.start

    @property
    def dates_label(self) -> str:
        if self.end and self.end != self.start:
            return f"{self.start:%d.%m.%Y} – {self.end:%d.%m.%Y}"
        return f"{self.start:%d.%m.%Y}"

    @property
    def organiser_label(self) -> str:
        names = [str(o) for o in (self.organiser_school, self.organiser_municipality) if o]
        if self.organiser_text:
            names.append(self.organiser_text)
        return "; ".join(names)

    def clean(self):
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": _("The event cannot end before it starts.")})
        if not (self.organiser_school_id or self.organiser_municipality_id or self.organiser_text.strip()):
            raise ValidationError({"organiser_text": _("Name the organiser: a school, a municipality or as written.")})


class EventSchool(models.Model):
    """A target school of an event, with how many of its people took part (when names are not kept)."""

    event = models.ForeignKey(SupportEvent, models.CASCADE, related_name="event_schools", verbose_name=_("event"))
    school = models.ForeignKey(School, models.PROTECT, related_name="event_schools", verbose_name=_("school"))
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["school__short_name"]
        verbose_name = _("target school")
        verbose_name_plural = _("target schools")
        constraints = [models.UniqueConstraint(fields=["event", "school"], name="event_school_once")]

    def __str__(self):
        return f"{self.event_id}: {self.school}"


class EventParticipant(models.Model):
    """A named participant: personal data, shown only within the school's scope and to its coordinators."""

    event = models.ForeignKey(SupportEvent, models.CASCADE, related_name="participants", verbose_name=_("event"))
    school = models.ForeignKey(School, models.PROTECT, related_name="+", verbose_name=_("school"))
    full_name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["school__short_name", "full_name"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self):
        return self.full_name


def material_path(instance, filename: str) -> str:
    """A random name under the event's folder (named by the migrations: the function stays here)."""
    return random_path(f"support/events/{instance.event_id}", filename)


class EventMaterial(Attachment):
    """A file attached to an event (a programme, a presentation); its file goes once its deletion commits
    (support/signals.py)."""

    event = models.ForeignKey(SupportEvent, models.CASCADE, related_name="materials", verbose_name=_("event"))
    file = models.FileField(_("file"), upload_to=material_path, max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def get_absolute_url(self):
        return reverse("support:material-download", kwargs={"pk": self.pk})


# --- Staff development: teachers, professional development, competency diagnostics (seed 004, Приложение 3).


class TeacherCategory(models.TextChoices):
    NONE = "none", _("no category")
    MATCHES = "matches", _("matches the position")
    FIRST = "first", _("first category")
    HIGHEST = "highest", _("highest category")


class Teacher(models.Model):
    """A teacher of a school. Names are personal data: the school itself and its municipality's coordinators."""

    school = models.ForeignKey(School, models.PROTECT, related_name="teachers", verbose_name=_("school"))
    full_name = models.CharField(_("surname, name, patronymic"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    subjects = models.CharField(_("subjects"), max_length=300, blank=True)
    category = models.CharField(
        _("qualification category"), max_length=16, choices=TeacherCategory.choices, default=TeacherCategory.NONE
    )
    experience_years = models.PositiveSmallIntegerField(_("teaching experience, years"), null=True, blank=True)
    is_active = models.BooleanField(_("works at the school"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["school__short_name", "full_name"]
        verbose_name = _("teacher")
        verbose_name_plural = _("teachers")

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("support:teacher-detail", kwargs={"pk": self.pk})


def certificate_path(instance, filename: str) -> str:
    """A random name under the teacher's folder: the original name is kept in the row, never in the path."""
    suffix = PurePosixPath(filename).suffix.lower()[:6]
    return f"support/certificates/{instance.teacher_id}/{uuid.uuid4().hex}{suffix}"


class DevelopmentRecord(models.Model):
    """Professional development of a teacher: a course or programme, its hours and provider, and the certificate
    (удостоверение) as a file served only through the teacher's access check."""

    teacher = models.ForeignKey(Teacher, models.CASCADE, related_name="development", verbose_name=_("teacher"))
    programme = models.CharField(_("programme"), max_length=500)
    hours = models.PositiveSmallIntegerField(_("hours"), null=True, blank=True)
    provider = models.CharField(_("provider"), max_length=300, blank=True)
    start = models.DateField(_("start date"), null=True, blank=True)
    end = models.DateField(_("end date"), null=True, blank=True)
    completed = models.BooleanField(_("completed"), default=False)
    certificate = models.FileField(_("certificate"), upload_to=certificate_path, max_length=200, blank=True)
    certificate_name = models.CharField(_("certificate file name"), max_length=200, blank=True)
    certificate_kind = models.CharField(_("certificate file type"), max_length=8, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start", "programme"]
        verbose_name = _("professional development record")
        verbose_name_plural = _("professional development records")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=F("start")),
                name="development_end_not_before_start",
                violation_error_message=_("The course cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.programme

    def clean(self):
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": _("The course cannot end before it starts.")})

    def get_certificate_url(self) -> str:
        return reverse("support:certificate-download", kwargs={"pk": self.teacher_id, "record_pk": self.pk})


class Competency(models.Model):
    """A competency of the diagnostic card (reference rows: a region may edit the card)."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    definition = models.TextField(_("definition"), blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")

    def __str__(self):
        return f"{self.number}. {self.name}"


class Criterion(models.Model):
    competency = models.ForeignKey(Competency, models.CASCADE, related_name="criteria", verbose_name=_("competency"))
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.CharField(_("criterion"), max_length=300)

    class Meta:
        ordering = ["competency__number", "number"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [models.UniqueConstraint(fields=["competency", "number"], name="criterion_number_once")]

    def __str__(self):
        return self.text


class Rater(models.TextChoices):
    SELF = "self", _("self-assessment")
    HEAD_MA = "head_ma", _("head of the methodical association")
    DEPUTY = "deputy", _("deputy director")


class Diagnostic(models.Model):
    """One diagnostic of a teacher by the card: every criterion scored 0/1/2 by each of the three raters."""

    teacher = models.ForeignKey(Teacher, models.CASCADE, related_name="diagnostics", verbose_name=_("teacher"))
    date = models.DateField(_("date of the diagnostic"))
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["teacher", "date"]
        verbose_name = _("competency diagnostic")
        verbose_name_plural = _("competency diagnostics")
        constraints = [models.UniqueConstraint(fields=["teacher", "date"], name="diagnostic_once_a_day")]

    def __str__(self):
        return f"{self.teacher} · {self.date:%d.%m.%Y}"


class Score(models.Model):
    diagnostic = models.ForeignKey(Diagnostic, models.CASCADE, related_name="scores", verbose_name=_("diagnostic"))
    criterion = models.ForeignKey(Criterion, models.PROTECT, related_name="+", verbose_name=_("criterion"))
    rater = models.CharField(_("rater"), max_length=8, choices=Rater.choices)
    value = models.PositiveSmallIntegerField(_("score"), choices=[(0, "0"), (1, "1"), (2, "2")])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["diagnostic", "criterion", "rater"], name="score_once_per_rater"),
            models.CheckConstraint(condition=Q(value__lte=2), name="score_zero_to_two"),
        ]

    def __str__(self):
        return f"{self.criterion_id}/{self.rater}: {self.value}"


class RouteAction(models.TextChoices):
    COURSE = "course", _("course")
    MENTORING = "mentoring", _("mentoring")
    OTHER = "other", _("other")


class RouteStep(models.Model):
    """A step of a teacher's individual development route, usually addressing a deficit of the diagnostic."""

    teacher = models.ForeignKey(Teacher, models.CASCADE, related_name="route", verbose_name=_("teacher"))
    competency = models.ForeignKey(
        Competency, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("deficit addressed")
    )
    action = models.CharField(_("action"), max_length=16, choices=RouteAction.choices, default=RouteAction.COURSE)
    description = models.CharField(_("what is planned"), max_length=500)
    due = models.DateField(_("due date"))
    done = models.BooleanField(_("done"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("development route step")
        verbose_name_plural = _("development route steps")

    def __str__(self):
        return self.description

    def is_overdue(self, today) -> bool:
        return not self.done and self.due < today


# --- Exports of named lists (personal data): every one is logged.


class ExportKind(models.TextChoices):
    TEACHERS = "teachers", _("teachers of a school")
    RISK_GROUP = "risk_group", _("risk group of a school")
    PARTICIPANTS = "participants", _("named participants of an event")


class ExportLog(models.Model):
    """One export of a list with people's names: who, when, which list with which filters, how many rows.

    Written in the request that serves the file; rows are never changed afterwards (the admin shows them read-only).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("user")
    )
    username = models.CharField(_("login"), max_length=150)
    created_at = models.DateTimeField(_("exported at"), default=timezone.now, db_index=True)
    kind = models.CharField(_("list"), max_length=24, choices=ExportKind.choices)
    description = models.CharField(_("what was exported"), max_length=500)
    params = models.JSONField(_("filters and parameters"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("rows"))
    municipality = models.ForeignKey(Municipality, models.PROTECT, related_name="+", verbose_name=_("municipality"))
    school = models.ForeignKey(
        School, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("school")
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("export of a named list")
        verbose_name_plural = _("exports of named lists")
        indexes = [models.Index(fields=["municipality", "-created_at"], name="exportlog_municipality_date")]

    def __str__(self):
        return f"{self.created_at:%d.%m.%Y %H:%M} · {self.username} · {self.description}"
