"""The demo users of fixtures/demo/users.yaml, without their roles: a role's scope is a registry object, so the role
assignments are loaded by registry/demo.py."""

from shnor_portal.demo import read_fixture, upsert

from .models import Role, User


def load(tally) -> list[tuple[str, str]]:
    """Create or update the demo users; return their (login, description) for the command's summary."""
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
        logins.append((entry["username"], entry["description"]))
    return logins
