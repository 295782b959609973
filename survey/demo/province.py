"""The demo provinces' units and accounts."""

import unicodedata

from django.contrib.auth.hashers import make_password

from survey.demo.names import (
    COMMUNE_STEMS,
    DEPARTMENT_NAMES_EN,
    DEPARTMENTS,
    MERGED_COMMUNE,
    MERGED_FROM,
    SECOND_COMMUNE_STEMS,
    SECOND_DEPARTMENT_NAMES_EN,
    SECOND_DEPARTMENTS,
    SECOND_WARD_STEMS,
    WARD_STEMS,
    commune_name_en,
)
from survey.models import Membership, Node, Unit, UnitLineage, UnitType, User


def province_units(communes: int = 0) -> list[Unit]:
    """The departments and communes, with two communes merged into one in 2025.

    ``communes`` above the demo's own number adds numbered communes (``X-0042``,
    "Xã Số 42") until that many are active, for a province of national size."""
    rows = [
        Unit(
            code=code,
            name_vi=name,
            name_en=DEPARTMENT_NAMES_EN[code],
            unit_type=UnitType.DEPARTMENT,
            active_from=2020,
        )
        for code, name, _tthc, _ranked in DEPARTMENTS
    ]
    for stem in COMMUNE_STEMS:
        prefix, kind = ("Phường", "P") if stem in WARD_STEMS else ("Xã", "X")
        code = f"{kind}-{_slug(stem)}"
        rows.append(
            Unit(
                code=code,
                name_vi=f"{prefix} {stem}",
                unit_type="commune",
                active_from=2020,
            )
        )
    for number in range(len(COMMUNE_STEMS) + 2, communes + 1):  # + the merged one
        rows.append(
            Unit(
                code=f"X-{number:04d}",
                name_vi=f"Xã Số {number}",
                unit_type="commune",
                active_from=2020,
            )
        )
    merged = Unit(
        code=MERGED_COMMUNE[0],
        name_vi=MERGED_COMMUNE[1],
        unit_type="commune",
        active_from=2025,
    )
    old = [
        Unit(code=c, name_vi=n, unit_type="commune", active_from=2020, active_to=2024)
        for c, n in MERGED_FROM
    ]
    for unit in [*rows, merged, *old]:
        unit.name_en = unit.name_en or commune_name_en(unit.name_vi)
    units = Unit.objects.bulk_create([*rows, merged, *old])
    UnitLineage.objects.bulk_create(
        [
            UnitLineage(
                predecessor=p, successor=units[len(rows)], kind="merge", year=2025
            )
            for p in units[len(rows) + 1 :]
        ]
    )
    return units


def second_province_units() -> list[Unit]:
    """The second province's few departments and communes (codes ``SH-…``);
    no merger. Created in that province's scope."""
    rows = [
        Unit(
            code=code,
            name_vi=name,
            name_en=SECOND_DEPARTMENT_NAMES_EN[code],
            unit_type=UnitType.DEPARTMENT,
            active_from=2020,
        )
        for code, name, _tthc, _ranked in SECOND_DEPARTMENTS
    ]
    for stem in SECOND_COMMUNE_STEMS:
        prefix, kind = ("Phường", "P") if stem in SECOND_WARD_STEMS else ("Xã", "X")
        name = f"{prefix} {stem}"
        rows.append(
            Unit(
                code=f"SH-{kind}-{_slug(stem)}",
                name_vi=name,
                name_en=commune_name_en(name),
                unit_type="commune",
                active_from=2020,
            )
        )
    return Unit.objects.bulk_create(rows)


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in plain if c.isalnum() and ord(c) < 128).upper()


# The province-wide accounts of each demo province: coordinator, steering
# committee, reviewer and, in the first, the police reviewing the
# information-security indicators only.
FIRST_STAFF = {
    "coordinator": ("dieuphoi", "Nguyễn Thị Điều Phối"),
    "committee": ("bcd", "Trần Văn Ban Chỉ Đạo"),
    "reviewer": ("thamdinh", "Lê Minh Thẩm Định"),
    "police": ("congan", "Phạm Quốc An (Công an tỉnh)"),
}
SECOND_STAFF = {
    "coordinator": ("sonha-dieuphoi", "Hoàng Thị Sơn Phối"),
    "committee": ("sonha-bcd", "Đinh Văn Hà Chỉ Đạo"),
    "reviewer": ("sonha-thamdinh", "Vũ Thu Thẩm Định"),
}
NATIONAL_ACCOUNT = ("quocgia", "Đỗ Minh Quốc Gia")


def province_accounts(*, units: list[Unit], versions, password: str, staff=None) -> int:
    """The coordinator, the steering committee, the reviewers (the police for the
    information-security indicators only) and two accounts per active unit, all
    with ``password``; returns how many accounts. ``staff`` names the
    province-wide accounts (FIRST_STAFF when not given)."""
    staff = staff or FIRST_STAFF
    password = make_password(password)
    coordinator = staff["coordinator"][0]
    # The first province's coordinator also opens the admin site, as before.
    admin = FIRST_STAFF["coordinator"][0]
    users = [
        User(username=name, full_name=full, is_staff=name == admin)
        for name, full in staff.values()
    ]
    active = [u for u in units if u.active_to is None]
    for unit in active:
        slug = unit.code.lower()
        users.append(
            User(username=f"{slug}-cv", full_name=f"Chuyên viên {unit.name_vi}")
        )
        users.append(User(username=f"{slug}-ld", full_name=f"Lãnh đạo {unit.name_vi}"))
    for user in users:
        user.password = password
        user.email = f"{user.username}@demo.invalid"
    users = User.objects.bulk_create(users)
    by_name = {user.username: user for user in users}
    role = Membership.Role
    rows = [
        Membership(user=by_name[coordinator], role=role.COORDINATOR),
        Membership(user=by_name[staff["committee"][0]], role=role.COMMITTEE),
    ]
    reviewers = [staff["reviewer"][0]]
    if "police" in staff:
        reviewers.append(staff["police"][0])
    for unit in active:
        slug = unit.code.lower()
        rows += [
            Membership(user=by_name[f"{slug}-cv"], unit=unit, role=role.EDITOR),
            Membership(user=by_name[f"{slug}-ld"], unit=unit, role=role.APPROVER),
        ]
        rows += [
            Membership(user=by_name[name], unit=unit, role=role.REVIEWER)
            for name in reviewers
        ]
    memberships = Membership.objects.bulk_create(rows)
    if "police" in staff:
        _scope_police(memberships, by_name[staff["police"][0]], versions)
    return len(users)


def national_account(*, password: str) -> User:
    """The national coordinator: compares the provinces' published results and
    manages the national frameworks; belongs to no province."""
    username, full_name = NATIONAL_ACCOUNT
    user = User.objects.create(
        username=username,
        full_name=full_name,
        email=f"{username}@demo.invalid",
        password=make_password(password),
    )
    Membership.objects.bulk_create(
        [Membership(user=user, role=Membership.Role.NATIONAL, province=None)]
    )
    return user


def _scope_police(memberships, police: User, versions) -> None:
    """The police review only the information-security indicators."""
    security = [
        node.pk
        for key in (("department", 2025), ("commune", 2025))
        for node in versions[key].nodes.filter(kind="indicator")
        if _under_security(node)
    ]
    through = Membership.indicators.through
    through.objects.bulk_create(
        [
            through(membership_id=m.pk, node_id=node_id)
            for m in memberships
            if m.user_id == police.pk
            for node_id in security
        ]
    )


def _under_security(node: Node) -> bool:
    current = node
    while current.parent_id:
        current = current.parent
    name = current.name_vi.lower()
    return "an toàn" in name or "an ninh" in name
