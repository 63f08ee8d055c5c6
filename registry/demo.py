from shnor_portal.demo import as_date, read_fixture, upsert

from .models import Listing, Municipality, Region, School


def load(tally) -> None:
    data = read_fixture("registry.yaml")
    regions = {}
    for item in data["regions"]:
        regions[item["code"]] = upsert(Region, {"code": item["code"]}, {"name": item["name"]}, tally)
    municipalities = {}
    for item in data["municipalities"]:
        municipalities[item["code"]] = upsert(
            Municipality,
            {"code": item["code"]},
            {
                "region": regions[item["region"]],
                "name": item["name"],
                "short_name": item.get("short_name", ""),
            },
            tally,
        )
    schools = {}
    for item in data["schools"]:
        schools[item["code"]] = upsert(
            School,
            {"code": item["code"]},
            {
                "municipality": municipalities[item["municipality"]],
                "name": item["name"],
                "short_name": item["short_name"],
                "type": item["type"],
                "settlement": item.get("settlement") or "",
                "is_rural": bool(item.get("is_rural")),
                "address": item.get("address") or "",
                "director": item.get("director") or "",
            },
            tally,
        )
    for item in data["listings"]:
        upsert(
            Listing,
            {"school": schools[item["school"]], "status": item["status"], "start": as_date(item["start"])},
            {
                "end": as_date(item.get("end")),
                "basis": item.get("basis") or "",
                "basis_number": str(item.get("basis_number") or ""),
                "basis_date": as_date(item.get("basis_date")),
                "support_model": item.get("support_model") or "",
                "note": item.get("note") or "",
            },
            tally,
        )
