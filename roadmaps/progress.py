"""Progress reports: who reports what, the report and review use cases, their forms and exports.

A report belongs to one activity, one reporter and one reporting period. Who reports is the one rule of
roadmaps/selectors.py («Who reports»): the activity's executor schools — their principals report; without executor
schools, the plan's owner: for a municipal plan the municipality itself (the report has no school; its coordinators
report), for a school plan the plan's school, for a pair plan the supported school (their principals report). The
owner municipality's coordinators accept or return a report (a comment is required to return it), but never a
report they wrote themselves; the reporter answers a returned report and sends it again. An accepted «выполнено» is
locked. Only plans being carried out (approved, in progress) take reports.
"""

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shnor_portal.files.uploads import delete_after_commit
from shnor_portal.xlsx import Column as XColumn
from shnor_portal.xlsx import build_workbook

from .access import may_report, may_review
from .evidence import MAX_FILES_PER_REPORT, check_evidence, content_sha256, max_bytes
from .models import Activity, Evidence, Level, ProgressReport, ReportNote, ReportStatus, Review
from .selectors import Urgency
from .states import is_tracked

OWNER = "owner"  # the reporter key of the plan's owner in URLs and forms


class ProgressError(Exception):
    """A report use case refused; the message says why, in Russian."""


# --- Reporters and locked reports (who may report and review: access.py)


def owner_label(plan) -> str:
    """The name of the reporter a report without a school stands for (the municipality of a municipal plan)."""
    if plan.level == Level.MUNICIPAL or plan.school_id is None:
        return plan.municipality.name
    return plan.school.short_name


def reporter_key(school) -> str:
    return OWNER if school is None else str(school.pk)


def is_own_report(user, report) -> bool:
    """The user wrote the report: somebody else reviews it."""
    return report.author_id is not None and report.author_id == user.pk


def is_locked(report) -> bool:
    return report.status == ReportStatus.DONE and report.review == Review.ACCEPTED


# --- Forms


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def clean_links(text: str) -> str:
    """One http(s) address per line; blank lines dropped; every bad line named in the error."""
    validate = URLValidator(schemes=["http", "https"])
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    bad = []
    for number, line in enumerate(lines, start=1):
        try:
            validate(line)
        except ValidationError:
            bad.append(_("line %(number)s: «%(text)s»") % {"number": number, "text": line[:100]})
    if bad:
        raise ValidationError(_("Not a web address (http:// or https://): %(lines)s.") % {"lines": "; ".join(bad)})
    return "\n".join(lines)


class ReportForm(forms.Form):
    status = forms.ChoiceField(
        label=capfirst(gettext_lazy("status")), choices=ReportStatus.choices, initial=ReportStatus.IN_WORK
    )
    percent = forms.IntegerField(
        label=capfirst(gettext_lazy("percent done")),
        min_value=0,
        max_value=100,
        required=False,
        help_text=gettext_lazy("From 0 to 100; «done» means 100."),
    )
    done_text = forms.CharField(
        label=capfirst(gettext_lazy("what was done")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
    )
    links = forms.CharField(
        label=capfirst(gettext_lazy("links to evidence")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("One address per line."),
        max_length=10000,
    )
    files = MultipleFileField(label=capfirst(gettext_lazy("evidence files")), required=False)
    answer = forms.CharField(
        label=capfirst(gettext_lazy("answer to the coordinator")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=10000,
    )

    def __init__(self, *args, report=None, **kwargs):
        self.report = report
        if report is not None and not kwargs.get("data") and not args:
            kwargs["initial"] = {
                "status": report.status,
                "percent": report.percent,
                "done_text": report.done_text,
                "links": report.links,
            }
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _(
            "pdf, docx, xlsx, jpg or png, at most %(size)s each; a file chosen for a form with errors must be chosen "
            "again."
        ) % {"size": _filesize(max_bytes())}
        self.fields["files"].widget.attrs["accept"] = ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"
        returned = report is not None and report.review == Review.RETURNED
        if not returned:
            del self.fields["answer"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("status", css_class="col-md-6"), Column("percent", css_class="col-md-6")),
            Field("done_text"),
            Field("links"),
            Field("files"),
            *([Field("answer")] if returned else []),
        )

    def clean_links(self):
        return clean_links(self.cleaned_data.get("links", ""))

    def clean_files(self):
        uploads = self.cleaned_data.get("files") or []
        kept = []  # the hash of each file the report keeps
        if self.report is not None and self.report.pk:
            kept = list(self.report.evidence.values_list("sha256", flat=True))
        errors, checked, seen = [], [], set()
        for upload in uploads:
            try:
                kind = check_evidence(upload)
            except ValidationError as error:
                errors.extend(error.messages)
                continue
            digest = content_sha256(upload)
            if digest not in seen:  # the same file chosen twice in one sending is kept once
                seen.add(digest)
                checked.append((upload, kind, digest))
        if errors:
            raise ValidationError(errors)
        # A file identical to one the report keeps replaces it, so it does not count against the limit.
        if len([digest for digest in kept if digest not in seen]) + len(seen) > MAX_FILES_PER_REPORT:
            raise ValidationError(
                _("A report keeps at most %(count)s files; remove some first.") % {"count": MAX_FILES_PER_REPORT}
            )
        return checked

    def clean(self):
        data = super().clean()
        if data.get("status") == ReportStatus.DONE:
            data["percent"] = 100  # «выполнено» is the whole of it
        elif data.get("percent") is None:
            data["percent"] = 0
        return data


def _filesize(size: int) -> str:
    from django.template.defaultfilters import filesizeformat

    return filesizeformat(size)


class ReviewForm(forms.Form):
    ACCEPT, RETURN = "accept", "return"

    decision = forms.ChoiceField(choices=[(ACCEPT, gettext_lazy("accept")), (RETURN, gettext_lazy("return"))])
    comment = forms.CharField(
        label=capfirst(gettext_lazy("comment")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=10000,
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.RETURN and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what is to be corrected: a returned report needs a comment."))
        return data


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=capfirst(gettext_lazy("answer")), widget=forms.Textarea(attrs={"rows": 2}), max_length=10000
    )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError(_("Write the answer."))
        return text


# --- Use cases


def _check_period(activity, period) -> None:
    if period is not None and period.activity_id != activity.pk:
        raise ProgressError(_("The period does not belong to this activity."))
    if period is None and activity.due_periods.filter(in_deadline=True).exists():
        raise ProgressError(_("Choose the reporting period."))


def submit_report(activity: Activity, period, school, user, data: dict) -> ProgressReport:
    """Create or correct the reporter's report for the period and send it for review (review back to «pending»).

    `data` is a cleaned ReportForm: status, percent, done_text, links, files [(upload, kind, sha256)], answer.
    """
    plan = activity.section.plan
    if not is_tracked(plan):
        raise ProgressError(_("Reports are taken only while the plan is approved or in progress."))
    if not may_report(user, activity, school):
        raise ProgressError(_("You do not report on this activity for this school."))
    _check_period(activity, period)
    with transaction.atomic():
        report = (
            ProgressReport.objects.select_for_update(of=("self",))
            .filter(activity=activity, school=school, period=period)
            .order_by("pk")
            .first()
        )
        if report is not None and is_locked(report):
            raise ProgressError(_("The report was accepted as done and can no longer be changed."))
        if report is None:
            report = ProgressReport(activity=activity, school=school, period=period)
        report.status = data["status"]
        report.percent = 100 if data["status"] == ReportStatus.DONE else data.get("percent") or 0
        report.done_text = data.get("done_text", "")
        report.links = data.get("links", "")
        report.author = user
        report.submitted_at = timezone.now()
        report.review = Review.PENDING
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError as error:  # another request created the same report a moment ago
            raise ProgressError(_("The report has just been sent from another window: open the page again.")) from error
        for upload, kind, digest in data.get("files") or []:
            # The same content attached again (a returned report sent once more) replaces the file the report keeps:
            # the newest name and upload stay, the report lists it once.
            for identical in report.evidence.filter(sha256=digest):
                identical.delete()
                delete_after_commit(identical.file)
            Evidence.objects.create(
                report=report,
                file=upload,
                name=upload.name[-200:],
                kind=kind,
                size=upload.size,
                sha256=digest,
                uploaded_by=user,
            )
        answer = (data.get("answer") or "").strip()
        if answer:
            ReportNote.objects.create(report=report, kind=ReportNote.Kind.ANSWER, text=answer, author=user)
    return report


def _locked_for_review(report_pk) -> ProgressReport:
    return (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("activity__section__plan")
        .order_by()
        .get(pk=report_pk)
    )


def review_report(report: ProgressReport, user, decision: str, comment: str = "") -> ProgressReport:
    """Accept or return a report awaiting review; each verdict is kept as a note of the conversation."""
    comment = (comment or "").strip()
    if decision == ReviewForm.RETURN and not comment:
        raise ProgressError(_("Say what is to be corrected: a returned report needs a comment."))
    with transaction.atomic():
        report = _locked_for_review(report.pk)
        if not may_review(user, report.activity.section.plan):
            raise ProgressError(_("Only the coordinators of the plan's municipality review its reports."))
        if is_own_report(user, report):
            raise ProgressError(_("You wrote this report: another coordinator of the municipality reviews it."))
        if report.review != Review.PENDING:
            raise ProgressError(_("The report is not awaiting review any more: open the page again."))
        accepted = decision == ReviewForm.ACCEPT
        report.review = Review.ACCEPTED if accepted else Review.RETURNED
        report.reviewed_by = user
        report.reviewed_at = timezone.now()
        report.review_comment = comment
        report.save(update_fields=["review", "reviewed_by", "reviewed_at", "review_comment"])
        ReportNote.objects.create(
            report=report,
            kind=ReportNote.Kind.ACCEPTED if accepted else ReportNote.Kind.RETURNED,
            text=comment,
            author=user,
        )
    return report


def answer_report(report: ProgressReport, user, text: str) -> ProgressReport:
    """The reporter answers a returned report: the answer is kept and the report goes back for review."""
    text = (text or "").strip()
    if not text:
        raise ProgressError(_("Write the answer."))
    with transaction.atomic():
        report = _locked_for_review(report.pk)
        if not is_tracked(report.activity.section.plan):
            raise ProgressError(_("Reports are taken only while the plan is approved or in progress."))
        if not may_report(user, report.activity, report.school):
            raise ProgressError(_("You do not report on this activity for this school."))
        if report.review != Review.RETURNED:
            raise ProgressError(_("Only a returned report is answered."))
        ReportNote.objects.create(report=report, kind=ReportNote.Kind.ANSWER, text=text, author=user)
        report.review = Review.PENDING
        report.submitted_at = timezone.now()
        report.save(update_fields=["review", "submitted_at"])
    return report


def remove_evidence(evidence: Evidence, user) -> None:
    report = evidence.report
    if not is_tracked(report.activity.section.plan) or not may_report(user, report.activity, report.school):
        raise ProgressError(_("You do not report on this activity for this school."))
    if is_locked(report):
        raise ProgressError(_("The report was accepted as done and can no longer be changed."))
    with transaction.atomic():
        evidence.delete()
        delete_after_commit(evidence.file)


# --- Exports


def _date(value):
    return value if isinstance(value, dt.date) else None


def tasks_workbook(items, subtitle: str = "") -> bytes:
    urgency = {
        Urgency.OVERDUE: _("overdue"),
        Urgency.DUE_SOON: _("due soon"),
        Urgency.LATER: _("later"),
        Urgency.DONE: _("done and accepted"),
    }
    statuses, reviews = dict(ReportStatus.choices), dict(Review.choices)
    columns = [
        XColumn(_("Due date"), 12),
        XColumn(_("State"), 16),
        XColumn(_("Plan"), 40),
        XColumn(_("No."), 8),
        XColumn(_("Activity"), 60),
        XColumn(_("Deadline as written"), 24),
        XColumn(_("School"), 30),
        XColumn(_("Report"), 14),
        XColumn("%", 6),
        XColumn(_("Review"), 16),
        XColumn(_("Coordinator's comment"), 40),
    ]
    rows = (
        [
            _date(item.end),
            urgency.get(item.urgency, ""),
            item.activity.section.plan.title,
            item.activity.number,
            item.activity.name,
            item.activity.deadline_text,
            item.reporter_label,
            statuses.get(item.report_status, _("no report")),
            item.report_percent,
            reviews.get(item.report_review, ""),
            item.report_comment or "",
        ]
        for item in items
    )
    return build_workbook(_("My tasks"), columns, rows, subtitle)


def reviews_workbook(reports, subtitle: str = "") -> bytes:
    columns = [
        XColumn(_("Submitted"), 12),
        XColumn(_("Municipality"), 24),
        XColumn(_("Plan"), 40),
        XColumn(_("No."), 8),
        XColumn(_("Activity"), 60),
        XColumn(_("School"), 30),
        XColumn(_("Reporting period"), 22),
        XColumn(_("Report"), 14),
        XColumn("%", 6),
        XColumn(_("What was done"), 60),
        XColumn(_("Author"), 24),
        XColumn(_("Evidence files"), 40),
        XColumn(_("Links"), 40),
    ]
    rows = (
        [
            timezone.localtime(report.submitted_at).date(),
            report.activity.section.plan.municipality.name,
            report.activity.section.plan.title,
            report.activity.number,
            report.activity.name,
            report.school.short_name if report.school_id else owner_label(report.activity.section.plan),
            str(report.period) if report.period_id else _("no dates"),
            report.get_status_display(),
            report.percent,
            report.done_text,
            str(report.author) if report.author_id else "",
            # The files as the queue lists them (prefetched with the reports: one query for all of them).
            "\n".join(f"{file.name} ({_filesize(file.size)})" for file in report.evidence.all()),
            report.links,
        ]
        for report in reports
    )
    return build_workbook(_("Reports awaiting review"), columns, rows, subtitle)
