"""The demo province's units and accounts."""

import unicodedata

from django.contrib.auth.hashers import make_password

from survey.demo.names import (
    COMMUNE_STEMS,
    DEPARTMENT_NAMES_EN,
    DEPARTMENTS,
    MERGED_COMMUNE,
    MERGED_FROM,
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


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in plain if c.isalnum() and ord(c) < 128).upper()


def province_accounts(*, units: list[Unit], versions, password: str) -> int:
    """The coordinator, the steering committee, the reviewers (the police for the
    information-security indicators only) and two accounts per active unit, all
    with ``password``; returns how many accounts."""
    password = make_password(password)
    users = [
        User(username="dieuphoi", full_name="Nguyễn Thị Điều Phối", is_staff=True),
        User(username="bcd", full_name="Trần Văn Ban Chỉ Đạo"),
        User(username="thamdinh", full_name="Lê Minh Thẩm Định"),
        User(username="congan", full_name="Phạm Quốc An (Công an tỉnh)"),
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
        Membership(user=by_name["dieuphoi"], role=role.COORDINATOR),
        Membership(user=by_name["bcd"], role=role.COMMITTEE),
    ]
    for unit in active:
        slug = unit.code.lower()
        rows += [
            Membership(user=by_name[f"{slug}-cv"], unit=unit, role=role.EDITOR),
            Membership(user=by_name[f"{slug}-ld"], unit=unit, role=role.APPROVER),
            Membership(user=by_name["thamdinh"], unit=unit, role=role.REVIEWER),
            Membership(user=by_name["congan"], unit=unit, role=role.REVIEWER),
        ]
    memberships = Membership.objects.bulk_create(rows)
    _scope_police(memberships, by_name["congan"], versions)
    return len(users)


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
