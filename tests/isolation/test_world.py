"""The two provinces are built as meant: each row in its own province."""

import pytest

from survey.models import Assessment, Campaign, FeedSource, Membership, Unit

pytestmark = pytest.mark.django_db


def test_each_side_holds_its_own_rows(iso):
    for side in (iso.a, iso.b):
        pid = side.province.pk
        assert Unit.unscoped.filter(province_id=pid).count() == 2
        assert Campaign.unscoped.filter(province_id=pid).count() == 2
        assert Assessment.unscoped.filter(campaign__province_id=pid).count() == 4
        assert FeedSource.unscoped.get(province_id=pid) == side.feed
        assert set(
            Membership.unscoped.filter(user__in=side.users.values()).values_list(
                "province_id", flat=True
            )
        ) == {pid}
        assert all(e.is_done for e in side.exports), [e.error for e in side.exports]
