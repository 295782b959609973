"""Two provinces in one installation, with their coordinators and a national
coordinator, for the tests of what each may see and change."""

from dataclasses import dataclass

from survey.models import Membership, Province, Unit, User

PASSWORD = "x-Secret-42"


@dataclass
class TwoProvinces:
    a: Province
    b: Province
    coordinator_a: User
    coordinator_b: User
    national: User
    unit_a: Unit
    unit_b: Unit


def province_user(username: str, role: str, *, province=None, unit=None) -> User:
    """An account holding ``role`` in ``province`` (a unit role for ``unit``;
    the national role without a province)."""
    user = User.objects.create_user(
        username, password=PASSWORD, email=f"{username}@example.gov.vn"
    )
    if role == Membership.Role.NATIONAL:
        province = None
    elif unit is not None:
        province = unit.province
    Membership.unscoped.create(user=user, unit=unit, province=province, role=role)
    return user


def two_provinces() -> TwoProvinces:
    a = Province.objects.create(code="lao-cai", name_vi="Lào Cai")
    b = Province.objects.create(code="yen-bai", name_vi="Yên Bái")
    coordinator = Membership.Role.COORDINATOR
    return TwoProvinces(
        a=a,
        b=b,
        coordinator_a=province_user("dieuphoi_a", coordinator, province=a),
        coordinator_b=province_user("dieuphoi_b", coordinator, province=b),
        national=province_user("quocgia", Membership.Role.NATIONAL),
        unit_a=Unit.unscoped.create(
            code="SO-A", name_vi="Sở A", unit_type="department", province=a
        ),
        unit_b=Unit.unscoped.create(
            code="SO-B", name_vi="Sở B", unit_type="department", province=b
        ),
    )
