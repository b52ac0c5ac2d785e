"""Who may do what, on which records: the roles of plan-rules §8, written once.

A user's rights come from one assignment (a role and, for officers, a locality). The scope is
the area whose records the user may reach at all: the nation (ministry staff, administrators),
one province and its communes (provincial officers), or one commune (commune officers). Within
the scope, an action is allowed by role:

* ``view``: everyone with a scope;
* ``change``: officers and administrators (ministry staff only read);
* ``import``: the same as change;
* ``identity``: the reporter's identity, only the officers who handle the reports of their area
  (not ministry staff, not administrators);
* ``submit``: a province's year for approval, provincial officers (of their own province);
* ``approve`` and ``return``: a submitted year, ministry staff;
* ``reopen``: an approved year, administrators.

A superuser without an assignment counts as an administrator; a user with no assignment and no
superuser flag, or an inactive one, has no scope and may do nothing. Records are narrowed to
what a user may act on by ``restrict(user, action)`` on every model's queryset
(localities.querysets), which asks ``may`` here.

This module imports no model at load time: the querysets that every model's manager uses
import it.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")
    PROVINCIAL_OFFICER = "provincial_officer", _("Provincial officer")
    MINISTRY = "ministry", _("Ministry staff")
    ADMINISTRATOR = "administrator", _("Administrator")


NATIONAL_ROLES = frozenset({Role.MINISTRY, Role.ADMINISTRATOR})
WRITING_ROLES = frozenset({Role.COMMUNE_OFFICER, Role.PROVINCIAL_OFFICER, Role.ADMINISTRATOR})
IDENTITY_ROLES = frozenset({Role.COMMUNE_OFFICER, Role.PROVINCIAL_OFFICER})

VIEW, CHANGE, IMPORT, IDENTITY = "view", "change", "import", "identity"
# The steps of a province's year towards approval (plan_tracker.approvals).
SUBMIT, APPROVE, RETURN, REOPEN = "submit", "approve", "return", "reopen"
ACTIONS = (VIEW, CHANGE, IMPORT, IDENTITY, SUBMIT, APPROVE, RETURN, REOPEN)
_ROLES_FOR = {
    CHANGE: WRITING_ROLES,
    IMPORT: WRITING_ROLES,
    IDENTITY: IDENTITY_ROLES,
    SUBMIT: frozenset({Role.PROVINCIAL_OFFICER}),
    APPROVE: frozenset({Role.MINISTRY}),
    RETURN: frozenset({Role.MINISTRY}),
    REOPEN: frozenset({Role.ADMINISTRATOR}),
}


class OutOfScope(Http404, PermissionDenied):
    """A record or locality outside the user's area, for reading or for writing.

    An Http404 first, so that a view answers 404 without catching it (out of scope looks like
    absent: nothing is revealed); a PermissionDenied for code that asks what went wrong."""


@dataclass(frozen=True)
class Scope:
    national: bool = False
    province_id: int | None = None
    commune_id: int | None = None

    @property
    def empty(self) -> bool:
        return not (self.national or self.province_id or self.commune_id)

    @property
    def locality_id(self) -> int | None:
        """The locality that is the whole scope of an officer (None for the nation)."""
        return self.commune_id or self.province_id


NO_SCOPE = Scope()
NATION = Scope(national=True)


class ServerOperator:
    """Whoever runs a management command on the server without naming a user account: an
    administrator of the whole nation. Not an account: it cannot log in, and history rows it
    writes name no user."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    is_staff = False
    pk = id = None
    username = "server"

    def __str__(self):
        return "server operator"


SERVER_OPERATOR = ServerOperator()


def get_assignment(user):
    from localities.models import Assignment

    try:
        return user.assignment
    except (Assignment.DoesNotExist, AttributeError):
        return None


def role_of(user) -> str | None:
    """The user's role, or None for an anonymous, inactive or unassigned user."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    assignment = get_assignment(user)
    if assignment is None:
        return Role.ADMINISTRATOR if user.is_superuser else None
    return assignment.role


def scope_of(user) -> Scope:
    """The area whose records the user may reach (cached on the user object)."""
    cached = getattr(user, "_plan_tracker_scope", None)
    if cached is not None:
        return cached
    role = role_of(user)
    if role is None:
        scope = NO_SCOPE
    elif role in NATIONAL_ROLES:
        scope = NATION
    elif role == Role.PROVINCIAL_OFFICER:
        scope = Scope(province_id=user.assignment.locality_id)
    else:
        locality = user.assignment.locality
        scope = Scope(province_id=locality.province_id, commune_id=locality.pk)
    if user is not None:
        user._plan_tracker_scope = scope
    return scope


def within_province(scope: Scope, province_id: int) -> Scope:
    """The part of `scope` inside one province: the nation's gives the province, a scope in
    that province stays as it is, a scope elsewhere gives nothing."""
    if scope.national:
        return Scope(province_id=province_id)
    if scope.province_id == province_id:
        return scope
    return NO_SCOPE


def narrow_scope(user, *, province_id: int) -> Scope:
    """Narrow this user object's scope to one province for the rest of its life (an API
    token limited to a province): every restrict() on it then answers within both."""
    scope = within_province(scope_of(user), province_id)
    user._plan_tracker_scope = scope
    return scope


def may(user, action: str = VIEW) -> bool:
    """Whether the user's role allows `action` at all (on the records of their scope)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}: one of {', '.join(ACTIONS)}")
    if scope_of(user).empty:
        return False
    if action == VIEW:
        return True
    return role_of(user) in _ROLES_FOR[action]


def is_administrator(user) -> bool:
    return role_of(user) == Role.ADMINISTRATOR


def can_write(user) -> bool:
    """Officers write in their scope; administrators anywhere; ministry staff only read."""
    return may(user, CHANGE)


def can_import(user) -> bool:
    return may(user, IMPORT)


def can_see_identity(user) -> bool:
    """Only the officers handling the reports of their own scope (plan-rules §5, §8)."""
    return may(user, IDENTITY)
