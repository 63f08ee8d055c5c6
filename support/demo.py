from simple_history.utils import bulk_create_with_history

from registry.models import Municipality, Pairing, School
from shnor_portal.audit.recording import record_bulk
from shnor_portal.demo import as_date, read_fixture, upsert

from .models import (
    Competency,
    Criterion,
    DevelopmentRecord,
    Diagnostic,
    EventSchool,
    Rater,
    RouteStep,
    Score,
    SupportEvent,
    Teacher,
)


def load(tally) -> None:
    load_pairings(tally)
    load_events(tally)
    load_teachers(tally)


def load_pairings(tally) -> None:
    data = read_fixture("registry.yaml")
    codes = {code for item in data["pairings"] for code in (item["mentor"], item["mentee"])}
    schools = School.objects.in_bulk(codes, field_name="code")
    for item in data["pairings"]:
        upsert(
            Pairing,
            {
                "mentor": schools[item["mentor"]],
                "mentee": schools[item["mentee"]],
                "start": as_date(item["start"]),
            },
            {
                "end": as_date(item.get("end")),
                "agreement_number": str(item.get("agreement_number") or ""),
                "agreement_date": as_date(item.get("agreement_date")),
                "basis": item.get("basis") or "",
                "goals": (item.get("goals") or "").strip(),
                "status": item.get("status") or "active",
            },
            tally,
        )


def load_events(tally) -> None:
    """The seed's seminars and methodical days (fixtures/demo/support.yaml); an event is known by its
    municipality, type and topic, so that a corrected date updates it rather than adding another."""
    data = read_fixture("support.yaml")
    municipalities = Municipality.objects.in_bulk(field_name="code")
    codes = {code for item in data["events"] for code in [*item["targets"], item.get("organiser_school")] if code}
    schools = School.objects.in_bulk(codes, field_name="code")
    for item in data["events"]:
        event = upsert(
            SupportEvent,
            {
                "municipality": municipalities[item["municipality"]],
                "type": item["type"],
                "topic": item["topic"].strip(),
            },
            {
                "is_targeted": bool(item.get("is_targeted")),
                "format": item["format"],
                "start": as_date(item["start"]),
                "end": as_date(item.get("end")),
                "organiser_municipality": municipalities.get(item.get("organiser_municipality")),
                "organiser_school": schools.get(item.get("organiser_school")),
                "organiser_text": item.get("organiser_text") or "",
                "description": (item.get("description") or "").strip(),
                "result": (item.get("result") or "").strip(),
            },
            tally,
        )
        wanted = {schools[code].pk for code in item["targets"]}
        have = set(EventSchool.objects.filter(event=event).values_list("school_id", flat=True))
        EventSchool.objects.filter(event=event, school_id__in=have - wanted).delete()
        for school_id in sorted(wanted - have):
            EventSchool.objects.create(event=event, school_id=school_id)
            tally.note(EventSchool._meta.verbose_name_plural, True, False)


def load_teachers(tally) -> None:
    """Teachers of the Октябрьский ШНОР with two rounds of the competency diagnostic, professional development and
    development routes (fixtures/demo/teachers.yaml; the scores are demo data and every diagnostic's note says so).
    A teacher is known by school and name, a diagnostic by teacher and date, a course by its programme, a route step
    by its description: a corrected value updates the row instead of adding another."""
    data = read_fixture("teachers.yaml")
    notes = {as_date(date): text.strip() for date, text in data["notes"].items()}
    schools = School.objects.in_bulk({item["school"] for item in data["teachers"]}, field_name="code")
    card = _card()
    competencies = Competency.objects.in_bulk(field_name="number")
    _check_keys(data["teachers"])
    for item in data["teachers"]:
        teacher = upsert(
            Teacher,
            {"school": schools[item["school"]], "full_name": item["full_name"]},
            {
                "position": item.get("position") or "",
                "subjects": item.get("subjects") or "",
                "category": item.get("category") or "none",
                "experience_years": item.get("experience_years"),
                "is_active": item.get("is_active", True),
            },
            tally,
        )
        for date, raters in (item.get("diagnostics") or {}).items():
            date = as_date(date)
            diagnostic = upsert(Diagnostic, {"teacher": teacher, "date": date}, {"note": notes.get(date, "")}, tally)
            _load_scores(diagnostic, _read_scores(raters, card, item["full_name"], date), tally)
        for record in item.get("development") or []:
            upsert(
                DevelopmentRecord,
                {"teacher": teacher, "programme": record["programme"].strip()},
                {
                    "provider": record.get("provider") or "",
                    "hours": record.get("hours"),
                    "start": as_date(record.get("start")),
                    "end": as_date(record.get("end")),
                    "completed": bool(record.get("completed")),
                },
                tally,
            )
        for step in item.get("route") or []:
            upsert(
                RouteStep,
                {"teacher": teacher, "description": step["description"].strip()},
                {
                    "competency": competencies.get(step.get("competency")),
                    "action": step.get("action") or "course",
                    "due": as_date(step["due"]),
                    "done": bool(step.get("done")),
                },
                tally,
            )


def _check_keys(teachers) -> None:
    """Rows are found again by their keys: a key given twice would make two loads overwrite each other."""
    seen = set()
    for item in teachers:
        keys = [("teacher", item["school"], item["full_name"])]
        keys += [("course", item["full_name"], r["programme"].strip()) for r in item.get("development") or []]
        keys += [("step", item["full_name"], s["description"].strip()) for s in item.get("route") or []]
        for key in keys:
            if key in seen:
                raise ValueError(f"teachers.yaml: {key} is given twice")
            seen.add(key)


def _card() -> list[list[Criterion]]:
    """The criteria of the card grouped by competency, in the card's order."""
    groups: dict[int, list[Criterion]] = {}
    for criterion in Criterion.objects.select_related("competency").order_by("competency__number", "number"):
        groups.setdefault(criterion.competency.number, []).append(criterion)
    return [groups[number] for number in sorted(groups)]


def _read_scores(raters: dict, card, who: str, date) -> dict[tuple[int, str], int]:
    """(criterion id, rater) → score from the fixture's strings: one digit 0–2 per criterion, competencies apart."""
    if set(raters) != set(Rater.values):
        raise ValueError(f"{who} {date}: scores of the raters {sorted(Rater.values)} are needed, got {sorted(raters)}")
    scores = {}
    for rater, text in raters.items():
        groups = str(text).split()
        if [len(group) for group in groups] != [len(criteria) for criteria in card]:
            raise ValueError(f"{who} {date} {rater}: «{text}» does not match the card's criteria")
        for group, criteria in zip(groups, card, strict=True):
            for digit, criterion in zip(group, criteria, strict=True):
                if digit not in "012":
                    raise ValueError(f"{who} {date} {rater}: a score is 0, 1 or 2, not «{digit}»")
                scores[(criterion.pk, rater)] = int(digit)
    return scores


def _load_scores(diagnostic, wanted: dict[tuple[int, str], int], tally) -> None:
    """Make the diagnostic's scores exactly `wanted`, writing only the ones that differ."""
    label = Score._meta.verbose_name_plural
    have = {(s.criterion_id, s.rater): s for s in Score.objects.filter(diagnostic=diagnostic)}
    Score.objects.filter(pk__in=[s.pk for key, s in have.items() if key not in wanted]).delete()
    missing = [
        Score(diagnostic=diagnostic, criterion_id=criterion_id, rater=rater, value=value)
        for (criterion_id, rater), value in sorted(wanted.items())
        if (criterion_id, rater) not in have
    ]
    bulk_create_with_history(missing, Score)
    record_bulk(Score, missing)
    for _score in missing:
        tally.note(label, True, False)
    for key, score in have.items():
        if key in wanted and score.value != wanted[key]:
            score.value = wanted[key]
            score.save(update_fields=["value"])
            tally.note(label, False, True)
