from registry.models import Municipality, Region, School
from shnor_portal.demo import read_fixture, upsert

from .models import Role, RoleAssignment, User

SCOPE_MODELS = {"region": Region, "municipality": Municipality, "school": School}


def load(tally) -> list[tuple[str, str]]:
    data = read_fixture("users.yaml")
    password = data["password"]
    logins = []
    for entry in data["users"]:
        is_admin = any(role["role"] == Role.ADMIN for role in entry["roles"])
        user = upsert(
            User,
            {"username": entry["username"]},
            {
                "last_name": entry.get("last_name", ""),
                "first_name": entry.get("first_name", ""),
                "middle_name": entry.get("middle_name", ""),
                "position": entry.get("position", ""),
                "email": entry.get("email", ""),
                "is_staff": is_admin,
                "is_superuser": is_admin,
                "is_active": True,
            },
            tally,
        )
        # Set the password only when it differs: a fresh salt would otherwise change the row on every run.
        if not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        wanted = set()
        for role in entry["roles"]:
            scope = {}
            for name, model in SCOPE_MODELS.items():
                if role.get(name):
                    scope[name] = model.objects.get(code=role[name])
            assignment = upsert(RoleAssignment, {"user": user, "role": role["role"], **scope}, {}, tally)
            wanted.add(assignment.pk)
        RoleAssignment.objects.filter(user=user).exclude(pk__in=wanted).delete()
        logins.append((entry["username"], entry["description"]))
    return logins
