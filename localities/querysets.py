"""Every queryset that reaches a user goes through restrict(user, action) (the NetBox habit).

``restrict`` keeps the rows of the user's scope on which their role allows the action (see
localities.permissions): out of scope, or an action the role does not have, and nothing is
left. Records placed in a locality say where through ``scope_commune_field`` (the path to their
commune or locality) and ``scope_province_field`` (the path to their province, default
``province``).
"""

from django.db import models
from django.db.models.functions import Collate

from localities.collation import COLLATION
from localities.permissions import VIEW, may, scope_of


def by_name(field: str = "name", *, descending: bool = False):
    """An ordering by a Vietnamese name in the alphabet's order (Đ after D, Ô after O, both
    before Y), not the code points' (which put them after Y): every list, drop-down and export
    ordered by a name uses it. The collation is ICU's on PostgreSQL, a registered function on
    SQLite (localities.collation)."""
    expression = Collate(field, COLLATION)
    return expression.desc() if descending else expression.asc()


class ScopedQuerySet(models.QuerySet):
    def _place_lookups(self) -> tuple[str, str]:
        """The lookups of (the record's commune or locality, the record's province)."""
        model = self.model
        province_field = getattr(model, "scope_province_field", "province")
        return f"{model.scope_commune_field}_id", f"{province_field}_id"

    def order_by_name(self, *before, field: str = "name"):
        """Ordered by `before` (plain orderings), then by the Vietnamese name `field`."""
        return self.order_by(*before, by_name(field))

    def restrict(self, user, action: str = VIEW):
        if not may(user, action):
            return self.none()
        scope = scope_of(user)
        if scope.national:
            return self
        commune_lookup, province_lookup = self._place_lookups()
        if scope.commune_id:
            return self.filter(**{commune_lookup: scope.commune_id})
        return self.filter(**{province_lookup: scope.province_id})

    def in_locality(self, locality):
        """The records of one locality: a province's own and its communes', or a commune's."""
        from localities.models.places import Level

        commune_lookup, province_lookup = self._place_lookups()
        lookup = province_lookup if locality.level == Level.PROVINCE else commune_lookup
        return self.filter(**{lookup: locality.pk})


class LocalityQuerySet(ScopedQuerySet):
    def _place_lookups(self) -> tuple[str, str]:
        return "pk", "province_id"

    def current(self):
        from localities.models.places import Scheme

        return self.filter(scheme=Scheme.NEW)

    def provinces(self):
        from localities.models.places import Level

        return self.filter(level=Level.PROVINCE)

    def communes(self):
        from localities.models.places import Level

        return self.filter(level=Level.COMMUNE)
