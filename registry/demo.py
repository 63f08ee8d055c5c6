from accounts.models import RoleAssignment, User
from shnor_portal.demo import as_date, read_fixture, upsert

from .models import Listing, Municipality, Region, School

SCOPE_MODELS = {"region": Region, "municipality": Municipality, "school": School}


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
                "fis_oko_login": item.get("fis_oko_login"),
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


LEVELS = {"primary": "primary", "basic": "basic", "secondary": "secondary", "total": "total"}
SWOT_KINDS = {"strengths": "strength", "weaknesses": "weakness", "opportunities": "opportunity", "threats": "threat"}


def load_profiles(tally) -> None:
    """Yearly profiles of seed 004 (fixtures/demo/profiles.yaml): ИОР, staff as published, results, SWOT."""
    from .profiles import LevelResult, SchoolYearProfile, SwotItem

    data = read_fixture("profiles.yaml")
    schools = School.objects.in_bulk({item["school"] for item in data["profiles"]}, field_name="code")
    for item in data["profiles"]:
        school = schools[item["school"]]
        values = {
            "ior": _decimal(item.get("ior"), "0.001"),
            "ior_note": item.get("ior_note") or "",
            "source": item.get("source") or "",
            "staff_published_pct": {k: float(v) for k, v in (item.get("staff_pct") or {}).items() if v is not None},
        }
        contingent = item.get("contingent") or {}
        values.update({f"pupils_{level}": contingent.get(level) for level in ("primary", "basic", "secondary")})
        social = item.get("social") or {}
        values.update(
            {name: social.get(name) for name in ("large_families", "foster", "sop", "disabled_ovz", "non_native")}
        )
        profile = upsert(SchoolYearProfile, {"school": school, "year": item["year"]}, values, tally)
        for level, pct in (item.get("results_by_level_pct") or {}).items():
            upsert(
                LevelResult,
                {"profile": profile, "level": LEVELS[level]},
                {
                    "success_pct_published": _decimal(pct.get("success"), "0.1"),
                    "quality_pct_published": _decimal(pct.get("quality"), "0.1"),
                },
                tally,
            )
        for key, kind in SWOT_KINDS.items():
            for position, text in enumerate((item.get("swot") or {}).get(key) or [], start=1):
                upsert(
                    SwotItem,
                    {"school": school, "year": item["year"], "kind": kind, "position": position},
                    {"text": text},
                    tally,
                )


def _decimal(value, places: str):
    from decimal import Decimal

    return None if value is None else Decimal(str(value)).quantize(Decimal(places))


def load_role_assignments(tally) -> None:
    """The roles of the demo users (accounts/demo.py loads the users first), each in its region, municipality or
    school; a role no longer in the fixture is removed."""
    for entry in read_fixture("users.yaml")["users"]:
        user = User.objects.get(username=entry["username"])
        wanted = set()
        for role in entry["roles"]:
            scope = {}
            for name, model in SCOPE_MODELS.items():
                if role.get(name):
                    scope[name] = model.objects.get(code=role[name])
            assignment = upsert(RoleAssignment, {"user": user, "role": role["role"], **scope}, {}, tally)
            wanted.add(assignment.pk)
        RoleAssignment.objects.filter(user=user).exclude(pk__in=wanted).delete()
