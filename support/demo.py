from registry.models import Municipality, School
from shnor_portal.demo import as_date, read_fixture, upsert

from .models import EventSchool, Pairing, SupportEvent


def load(tally) -> None:
    load_pairings(tally)
    load_events(tally)


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
