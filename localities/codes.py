"""Turning a locality code as written (bare = 2025 scheme, `2004:xxxxx` = old) into a current
locality, through the official conversion table."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from localities.models import Level, Locality, LocalityConversion, Scheme

OLD_PREFIX = "2004:"


@dataclass
class Resolved:
    locality: Locality  # a current (2025) locality
    given: str  # the code as given, normalised ("" when it was already a current code)


def parse_code(text: str) -> tuple[str, str]:
    """("2025", "00004") for "00004" or "2025:00004"; ("2004", "00001") for "2004:00001"."""
    raw = (text or "").strip()
    scheme = Scheme.NEW
    if ":" in raw:
        scheme, raw = (part.strip() for part in raw.split(":", 1))
        if scheme not in Scheme.values:
            raise ValidationError(
                _("“%(text)s”: the scheme before “:” must be 2004 or 2025.") % {"text": text},
                code="bad_scheme",
            )
    if not raw.isdigit() or len(raw) not in (1, 2, 3, 4, 5):
        raise ValidationError(
            _(
                "“%(text)s” is not a locality code: write 2 digits for a province or 5 for a "
                "commune, prefixed with “2004:” for a code of the old scheme."
            )
            % {"text": text},
            code="bad_code",
        )
    width = 2 if len(raw) <= 2 else 5
    return scheme, raw.zfill(width)


def resolve(text: str, *, communes_only: bool = False, within=None, choice: str = "") -> Resolved:
    """A current locality for `text`, or a ValidationError that says how to fix it.

    `within`: a queryset of localities the caller may use (its scope); anything else is refused.
    `choice`: for an old commune split across several new ones, the new commune's code.
    """
    scheme, code = parse_code(text)
    try:
        locality = Locality.objects.select_related("successor").get(scheme=scheme, code=code)
    except Locality.DoesNotExist:
        raise ValidationError(
            _("No locality has the code %(code)s in the %(scheme)s scheme: check the code.")
            % {"code": code, "scheme": scheme},
            code="unknown_code",
        ) from None
    given = "" if scheme == Scheme.NEW else f"{OLD_PREFIX}{code}"
    if scheme == Scheme.OLD:
        locality = _convert(locality, choice)
    if communes_only and locality.level != Level.COMMUNE:
        raise ValidationError(
            _("%(place)s is a province: give the code of one of its communes.")
            % {"place": locality},
            code="not_commune",
        )
    if within is not None and not within.filter(pk=locality.pk).exists():
        raise ValidationError(
            _("%(place)s is outside your area: you can only enter records of your own area.")
            % {"place": locality},
            code="out_of_scope",
        )
    return Resolved(locality=locality, given=given)


def _convert(old: Locality, choice: str) -> Locality:
    if old.level == Level.PROVINCE:
        return old.successor
    parts = list(
        LocalityConversion.objects.filter(old=old)
        .select_related("new")
        .order_by("-is_default", "new__code")
    )
    if len(parts) == 1:
        return parts[0].new
    if choice:
        for part in parts:
            if part.new.code == choice.strip().zfill(5):
                return part.new
    raise ValidationError(
        _("%(old)s was split across several communes in 2025: say which one — %(options)s.")
        % {
            "old": old,
            "options": ", ".join(f"{p.new.code} {p.new.name}" for p in parts),
        },
        code="split_commune",
    )


def successors(old: Locality) -> list[Locality]:
    return [c.new for c in LocalityConversion.objects.filter(old=old).select_related("new")]
