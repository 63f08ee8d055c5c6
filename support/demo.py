from registry.models import School
from shnor_portal.demo import as_date, read_fixture, upsert

from .models import Pairing


def load(tally) -> None:
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
            },
            tally,
        )
