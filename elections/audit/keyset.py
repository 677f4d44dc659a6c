"""Pages of a sorted list read by their key, not by their number.

A page is the ``size`` rows after (or before) the last row seen, found through the index of the
sort column and the primary key: the database reads one page whatever the number of matches,
where ``OFFSET`` would read and sort every row before it. When the matches must be sorted (a
name search finds them through its own indexes), only their ids and sort keys are: the page's
rows, with what they are shown with, are read for the ids of the page alone. The count is
capped: up to ``CAP`` matches are counted exactly; beyond, the list says "more than 1,000".

The cursor in the address is the sort value and the id of a row, in base64 JSON. It only moves
within what the filters already allow, so it is not signed; anything unreadable gives the first
page.
"""

import base64
import binascii
import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Q, QuerySet

#: Matches counted exactly; more are shown as "more than CAP".
CAP = 1000


@dataclass(frozen=True)
class KeysetPage:
    rows: list
    count: int
    count_capped: bool
    has_previous: bool
    has_next: bool
    previous_cursor: str
    next_cursor: str


def _encode(value, pk) -> str:
    if isinstance(value, datetime):
        value = {"t": value.isoformat()}
    raw = json.dumps([value, str(pk)], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(token: str | None):
    """``(value, pk)`` from a cursor, or None when it is not one of ours."""
    if not token or len(token) > 600:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        value, pk = json.loads(raw)
        pk = uuid.UUID(pk)
        if isinstance(value, dict):
            value = datetime.fromisoformat(value["t"])
            if value.tzinfo is None:
                return None
        elif value is not None and not isinstance(value, str):
            return None
    except (binascii.Error, ValueError, TypeError, KeyError, AttributeError):
        return None
    return value, pk


def _beyond(column: str, value, pk, *, ascending: bool, later: bool, nullable: bool) -> Q:
    """Rows after (``later``) or before the row ``(value, pk)`` in the order ``column`` then
    ``pk``, both ascending or both descending, empty values last."""
    op = "gt" if ascending == later else "lt"
    if value is None:
        tie = Q(**{f"{column}__isnull": True, f"pk__{op}": pk})
        return tie if later else Q(**{f"{column}__isnull": False}) | tie
    beyond = Q(**{f"{column}__{op}": value}) | Q(**{column: value, f"pk__{op}": pk})
    if nullable and later:
        beyond |= Q(**{f"{column}__isnull": True})
    return beyond


def _order(column: str, *, ascending: bool, nullable: bool, reverse: bool):
    """The page's order; reversed to read the rows before a cursor, nearest first."""
    up = ascending != reverse
    nulls = {"nulls_last": True} if nullable and not reverse else {}
    if nullable and reverse:
        nulls = {"nulls_first": True}
    key = F(column).asc(**nulls) if up else F(column).desc(**nulls)
    return key, ("pk" if up else "-pk")


def keyset_page(
    qs: QuerySet,
    *,
    column: str,
    ascending: bool,
    nullable: bool,
    after: str | None = None,
    before: str | None = None,
    size: int,
    rows: QuerySet | None = None,
) -> KeysetPage:
    """One page of ``qs`` (unordered; this orders it by ``column`` then pk) after or before a
    cursor, with the capped count of every match.

    The page is found on the match alone (ids and sort keys, nothing joined); its rows are then
    read by id from ``rows`` (``qs`` when not given), with whatever ``rows`` loads beside them.
    The first page reads the keys of up to ``CAP + 1`` matches, which gives its count too, so
    the matches are found once; a page after a cursor counts them apart.
    """
    cursor, later = _decode(after), True
    if cursor is None and before:
        cursor, later = _decode(before), False
    reverse = cursor is not None and not later
    keyed = qs.annotate(_sort_key=F(column))
    if cursor is not None:
        count = qs.order_by().values("pk")[: CAP + 1].count()
        keyed = keyed.filter(
            _beyond(
                column, cursor[0], cursor[1], ascending=ascending, later=later, nullable=nullable
            )
        )
    order = _order(column, ascending=ascending, nullable=nullable, reverse=reverse)
    keys = list(
        keyed.order_by(*order).values_list("pk", "_sort_key")[
            : size + 1 if cursor is not None else CAP + 1
        ]
    )
    if cursor is None:
        count = len(keys)
    more = len(keys) > size
    keys = keys[:size]
    if reverse:
        keys.reverse()
    found = (rows if rows is not None else qs).filter(pk__in=[pk for pk, _key in keys])
    by_pk = {row.pk: row for row in found} if keys else {}
    page = [by_pk[pk] for pk, _key in keys if pk in by_pk]
    if cursor is None:
        has_previous, has_next = False, more
    elif later:
        has_previous, has_next = True, more
    else:
        has_previous, has_next = more, True
    first, last = (keys[0], keys[-1]) if keys else (None, None)
    return KeysetPage(
        rows=page,
        count=min(count, CAP),
        count_capped=count > CAP,
        has_previous=has_previous and first is not None,
        has_next=has_next and last is not None,
        previous_cursor=_encode(first[1], first[0]) if first is not None else "",
        next_cursor=_encode(last[1], last[0]) if last is not None else "",
    )
