import datetime as dt

import factory
from factory.django import DjangoModelFactory

from accounts.models import Role, RoleAssignment, User
from registry.models import Listing, Municipality, Pairing, Region, School, SchoolType, Status

TEST_PASSWORD = "correct-horse-battery-staple"


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"region-{n}")
    name = factory.Sequence(lambda n: f"Область №{n}")


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    region = factory.SubFactory(RegionFactory)
    code = factory.Sequence(lambda n: f"mun-{n}")
    name = factory.Sequence(lambda n: f"Район №{n}")


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School
        django_get_or_create = ("code",)

    municipality = factory.SubFactory(MunicipalityFactory)
    code = factory.Sequence(lambda n: f"school-{n}")
    short_name = factory.Sequence(lambda n: f"МКОУ «СОШ №{n}»")
    name = factory.LazyAttribute(lambda o: f"Муниципальное казённое общеобразовательное учреждение {o.short_name}")
    type = SchoolType.SOSH
    settlement = "с. Тестовое"
    is_rural = True


class ListingFactory(DjangoModelFactory):
    class Meta:
        model = Listing

    school = factory.SubFactory(SchoolFactory)
    status = Status.SHNOR
    start = dt.date(2020, 9, 1)
    end = dt.date(2021, 8, 31)
    basis = "приказ №1 от 01.09.2020"
    basis_number = "1"
    basis_date = dt.date(2020, 9, 1)


class PairingFactory(DjangoModelFactory):
    class Meta:
        model = Pairing

    mentor = factory.SubFactory(SchoolFactory)
    mentee = factory.SubFactory(SchoolFactory, municipality=factory.SelfAttribute("..mentor.municipality"))
    agreement_number = "1"
    agreement_date = dt.date(2020, 5, 20)
    basis = "приказ №426-од от 15.05.2020"
    start = dt.date(2020, 5, 20)
    end = None


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = factory.Sequence(lambda n: f"Иванов{n}")
    first_name = "Иван"
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or TEST_PASSWORD)
        if create:
            obj.save(update_fields=["password"])


def user_with_role(role: Role, username: str | None = None, **scope) -> User:
    user = UserFactory(**({"username": username} if username else {}))
    RoleAssignment.objects.create(user=user, role=role, **scope)
    return user
