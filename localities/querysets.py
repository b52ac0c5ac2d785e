"""Every queryset that reaches a user goes through restrict(user) (the NetBox habit).

A user's scope comes from their assignment: the nation (ministry staff, administrators), one
province and its communes (provincial officers), or one commune (commune officers). A user
with no assignment sees nothing.
"""

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class Scope:
    national: bool = False
    province_id: int | None = None
    commune_id: int | None = None

    @property
    def empty(self) -> bool:
        return not (self.national or self.province_id or self.commune_id)


def scope_of(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cached = getattr(user, "_plan_tracker_scope", None)
    if cached is not None:
        return cached
    assignment = get_assignment(user)
    if assignment is None:
        scope = Scope(national=user.is_superuser)
    elif assignment.is_national:
        scope = Scope(national=True)
    elif assignment.role == "provincial_officer":
        scope = Scope(province_id=assignment.locality_id)
    else:
        locality = assignment.locality
        scope = Scope(province_id=locality.province_id, commune_id=locality.pk)
    user._plan_tracker_scope = scope
    return scope


def get_assignment(user):
    from localities.models import Assignment

    try:
        return user.assignment
    except (Assignment.DoesNotExist, AttributeError):
        return None


class ScopedQuerySet(models.QuerySet):
    """For records placed in a locality: `scope_commune_field` names the path to it, and
    `scope_province_field` (default "province") the path to its province."""

    def restrict(self, user):
        scope = scope_of(user)
        if scope.national:
            return self
        if scope.empty:
            return self.none()
        model = self.model
        if scope.commune_id:
            return self.filter(**{f"{model.scope_commune_field}_id": scope.commune_id})
        province_field = getattr(model, "scope_province_field", "province")
        return self.filter(**{f"{province_field}_id": scope.province_id})


class LocalityQuerySet(models.QuerySet):
    def restrict(self, user):
        scope = scope_of(user)
        if scope.national:
            return self
        if scope.empty:
            return self.none()
        if scope.commune_id:
            return self.filter(pk=scope.commune_id)
        return self.filter(province_id=scope.province_id)

    def current(self):
        return self.filter(scheme="2025")

    def provinces(self):
        return self.filter(level="province")

    def communes(self):
        return self.filter(level="commune")
