"""The results of a poll: people × dates, totals per date, and the ranking. Four queries, whatever its size."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .models import Answer


def cell_looks():
    """How a cell shows each answer (class, symbol, words for screen readers), translated once per grid."""
    return {
        "yes": ("table-success", "✔", _("Yes")),
        "maybe": ("table-warning", "~", _("If need be")),
        "no": ("table-danger", "✘", _("No")),
        None: ("text-body-secondary", "·", _("No answer yet")),
    }


@dataclass
class Column:
    option: object
    yes: int = 0
    maybe: int = 0
    no: int = 0
    rank: int = 0

    @property
    def sort_key(self):
        """Most oui, then most si nécessaire, then fewest non; the earlier date on a tie."""
        return (-self.yes, -self.maybe, self.no, self.option.starts_at)


@dataclass
class Row:
    invitee: object
    cells: list = field(default_factory=list)  # one Answer.Choice or None per column
    looks: list = field(default_factory=list)  # (class, symbol, words) per column, from cell_looks()

    @property
    def answered(self):
        return self.invitee.answered_at is not None


@dataclass
class Grid:
    columns: list
    rows: list
    answers: dict = field(default_factory=dict)  # {(invitee id, option id): choice}

    @property
    def anyone_answered(self):
        return bool(self.answers)

    @property
    def options(self):
        return [column.option for column in self.columns]

    def answers_of(self, invitee):
        """{option id: choice} of one person, read with the grid."""
        return {o: choice for (i, o), choice in self.answers.items() if i == invitee.pk}

    @property
    def ranking(self):
        return sorted(self.columns, key=lambda c: c.sort_key)

    @property
    def waiting(self):
        return [row.invitee for row in self.rows if not row.answered]

    @property
    def answered_count(self):
        return sum(1 for row in self.rows if row.answered)


def rank(columns):
    """Number the columns by the ranking; equal keys (dates aside) share a rank."""
    previous, position = None, 0
    for index, column in enumerate(sorted(columns, key=lambda c: c.sort_key), start=1):
        key = column.sort_key[:3]
        if key != previous:
            position, previous = index, key
        column.rank = position
    return columns


def build(poll, *, people=True):
    """The poll's grid; without `people`, only the totals (what a partner outside the group sees)."""
    columns = [Column(option) for option in poll.options.all()]
    by_option = {column.option.pk: column for column in columns}
    answers = Answer.objects.filter(invitee__poll=poll).values_list("invitee_id", "option_id", "choice")
    by_invitee = {}
    for invitee_id, option_id, choice in answers:
        column = by_option[option_id]
        setattr(column, choice, getattr(column, choice) + 1)
        by_invitee[(invitee_id, option_id)] = choice
    rows, looks = [], cell_looks()
    if people:
        invitees = poll.invitees.select_related("contact__organisation").order_by(
            "contact__organisation__name", "contact__last_name", "contact__first_name", "pk"
        )
        for invitee in invitees:
            cells = [by_invitee.get((invitee.pk, c.option.pk)) for c in columns]
            rows.append(Row(invitee, cells, [looks[cell] for cell in cells]))
    return Grid(rank(columns), rows, by_invitee)
