"""Which kinds of notice may owe something at `now`: one query, compiled once, before planning them.

A pass finds nothing almost every time, and most of what an idle pass cost was Django building,
and PostgreSQL planning, each kind's queries to find nothing. So a kind may give a probe: a
queryset that has a row whenever its plan would find something (its plan's own query, or a
superset of it: the candidates its plan loops over). The pass asks every probe in one query
(`SELECT EXISTS(…), EXISTS(…), …`) and plans only the kinds whose probe found a row: a probe
that finds nothing proves the plan would have found nothing.

The probes are built and compiled once per process and database connection; what depends on
the pass (`now`, the Paris date…) is an `At` placeholder, bound each time the SQL runs. Only
the SQL is kept, never a result: every pass reads the database as it is.
"""

from django.db import connections
from django.db.models import BooleanField, DateField, DateTimeField, Expression
from django.utils import timezone

from reference.timezones import PARIS


class At(Expression):
    """A value of the pass, computed from its `now` each time the cached SQL runs."""

    def __init__(self, compute, output_field):
        super().__init__(output_field=output_field)
        self.compute = compute

    def as_sql(self, compiler, connection):
        # The placeholder travels in the params; run() swaps it for its value.
        return "%s", [self]

    def bind(self, now, connection):
        return self.output_field.get_db_prep_value(self.compute(now), connection)


def now():
    return At(lambda now: now, DateTimeField())


def now_minus(delta):
    return At(lambda now: now - delta, DateTimeField())


def today():
    """The Paris date of the pass."""
    return At(_paris_date, DateField())


def today_plus(delta):
    return At(lambda now: _paris_date(now) + delta, DateField())


def date_of(compute):
    """A date the kind computes from `now` (the digest's Monday)."""
    return At(compute, DateField())


def holds(condition):
    """A condition of `now` alone, checked in Python (the digest's hour): a WHERE of true or false."""
    return At(condition, BooleanField())


def _paris_date(now):
    return now.astimezone(PARIS).date()


_compiled = {}  # {(database alias, kinds): (sql, params)}


def may_owe(notices, now, using="default"):
    """The kinds among `notices` whose plan may find something at `now`: those without a probe,
    and those whose probe finds a row. One query, whose SQL is built once."""
    probed = tuple(kind for kind, notice in notices.items() if notice.has_probe)
    if not probed:
        return set(notices)
    connection = connections[using]
    # The SQL names the time zone of `__date` (the active one when it was compiled).
    key = (using, connection.vendor, timezone.get_current_timezone_name(), probed)
    if key not in _compiled:
        _compiled[key] = _compile([notices[kind].probe() for kind in probed], connection)
    sql, params = _compiled[key]
    with connection.cursor() as cursor:
        cursor.execute(sql, [p.bind(now, connection) if isinstance(p, At) else p for p in params])
        found = cursor.fetchone()
    unprobed = {kind for kind in notices if kind not in probed}
    return unprobed | {kind for kind, hit in zip(probed, found, strict=True) if hit}


def _compile(querysets, connection):
    parts, params = [], []
    for queryset in querysets:
        sql, part_params = queryset.query.exists().get_compiler(connection=connection).as_sql()
        parts.append(f"EXISTS({sql})")
        params.extend(part_params)
    return "SELECT " + ", ".join(parts), tuple(params)
