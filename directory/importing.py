"""Importing contacts from a spreadsheet: all rows or none, matched on e-mail, with a dry run.

`plan(records, roles)` checks every row and says what would happen: contacts to create,
contacts to change (field by field, old → new), organisations to create, and every error
by line. `apply(plan)` writes it in one transaction, only when there is no error. An
existing contact is found by e-mail (case aside) and updated, never duplicated; an empty
optional cell (job title, phone) leaves what is known. Organisations are matched by name
(case and spaces aside) or created. A coordinator changes only the contacts they may edit
(`Roles.can_edit_contact`); a row about another's contact is an error, so nothing is imported.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower, Trim
from django.utils import timezone
from django.utils.translation import gettext as _

from stakeholders.models import Contact, Organisation

from .contact_file import column_names

FIELDS = ("last_name", "first_name", "organisation", "job_title", "email", "phone")
CHANGED_FIELDS = ["last_name", "first_name", "organisation", "job_title", "phone"]
LIMITS = {"last_name": 100, "first_name": 100, "organisation": 200, "job_title": 200, "email": 254, "phone": 30}


def name_key(name):
    return " ".join(name.split()).casefold()


@dataclass
class Line:
    line: int
    values: dict
    contact: Contact | None = None  # the existing contact, when the e-mail matched
    changes: dict = field(default_factory=dict)  # field: (old, new)

    @property
    def change_list(self):
        """[(column as a person calls it, old, new)]"""
        names = column_names()
        return [(names[column], old, new) for column, (old, new) in self.changes.items()]


@dataclass
class Plan:
    create: list = field(default_factory=list)
    change: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    new_organisations: list = field(default_factory=list)  # names
    errors: list = field(default_factory=list)  # (line, message)
    organisations: dict = field(default_factory=dict)  # name key: Organisation (None: to create)

    @property
    def ok(self):
        return not self.errors

    @property
    def changes_anything(self):
        return bool(self.create or self.change)


def check_row(line, values):
    """The row's errors (French sentences), none when it may be imported."""
    errors = []
    names = column_names()
    for column in ("last_name", "organisation", "email"):
        if not values.get(column):
            errors.append(_("the %(column)s is missing") % {"column": names[column]})
    for column, limit in LIMITS.items():
        if len(values.get(column, "")) > limit:
            message = _("the %(column)s is longer than %(max)s characters")
            errors.append(message % {"column": names[column], "max": limit})
    if values.get("email"):
        try:
            validate_email(values["email"])
        except ValidationError:
            errors.append(_("“%(email)s” is not a valid e-mail address") % {"email": values["email"]})
    return errors


def plan(records, roles):
    """What importing these rows ([(line, {column: text})]) would do, or why it cannot."""
    result = Plan()
    seen = {}
    lines = []
    for line, values in records:
        values = {column: values.get(column, "") for column in FIELDS}
        values["email"] = values["email"].strip()
        problems = check_row(line, values)
        key = values["email"].casefold()
        if key and key in seen:
            message = _("the address %(email)s is already on line %(line)s")
            problems.append(message % {"email": values["email"], "line": seen[key]})
        seen.setdefault(key, line)
        result.errors.extend((line, problem) for problem in problems)
        if not problems:
            lines.append(Line(line, values))
    _match(lines, roles, result)
    return result


def _match(lines, roles, result):
    """Find each line's contact and organisation; sort the lines into create, change, unchanged."""
    existing = _contacts_by_email(lines)
    result.organisations = _organisations([line.values["organisation"] for line in lines])
    for line in lines:
        org_key = name_key(line.values["organisation"])
        if org_key not in result.organisations:
            result.organisations[org_key] = None
            result.new_organisations.append(line.values["organisation"])
        matches = existing.get(line.values["email"].casefold(), [])
        if len(matches) > 1:
            message = _("several contacts already have the address %(email)s: merge them first")
            result.errors.append((line.line, message % {"email": line.values["email"]}))
        elif not matches:
            result.create.append(line)
        elif not roles.can_edit_contact(matches[0]):
            message = _("you may not change %(name)s (%(email)s): they belong to a group you do not coordinate")
            result.errors.append((line.line, message % {"name": matches[0].full_name, "email": line.values["email"]}))
        else:
            line.contact = matches[0]
            line.changes = _changes(line.contact, line.values)
            (result.change if line.changes else result.unchanged).append(line)
    result.errors.sort(key=lambda error: error[0])


def _contacts_by_email(lines):
    """{e-mail, case aside: [contacts]} of the existing contacts with the lines' addresses."""
    emails = {line.values["email"].lower() for line in lines}
    found = {}
    contacts = Contact.objects.annotate(email_key=Lower("email")).filter(email_key__in=emails)
    for contact in contacts.select_related("organisation").order_by("pk"):
        found.setdefault(contact.email.casefold(), []).append(contact)
    return found


def _organisations(names):
    """{name key: Organisation} of the existing organisations these names match (case and spaces aside);
    an active one rather than an archived one of the same name."""
    keys = {name_key(name) for name in names}
    found = {}
    candidates = Organisation.objects.annotate(name_lower=Lower(Trim("name"))).filter(
        name_lower__in={" ".join(name.split()).lower() for name in names}
    )
    for organisation in candidates.order_by("is_archived", "pk"):
        key = name_key(organisation.name)
        if key in keys:
            found.setdefault(key, organisation)
    return found


def _changes(contact, values):
    changes = {}
    for column in ("last_name", "first_name", "job_title", "phone"):
        new = values[column]
        if new and new != getattr(contact, column):
            changes[column] = (getattr(contact, column), new)
    if name_key(values["organisation"]) != name_key(contact.organisation.name):
        changes["organisation"] = (contact.organisation.name, values["organisation"])
    return changes


@transaction.atomic
def apply(result):
    """Write a plan without errors: new organisations, new contacts, changed contacts. Return it."""
    if not result.ok:
        raise ValidationError(_("The file has errors: nothing was imported."))
    organisations = result.organisations
    for name in result.new_organisations:
        organisations[name_key(name)] = Organisation.objects.create(name=name)
    Contact.objects.bulk_create(
        [
            Contact(
                last_name=line.values["last_name"],
                first_name=line.values["first_name"],
                organisation=organisations[name_key(line.values["organisation"])],
                job_title=line.values["job_title"],
                email=line.values["email"],
                phone=line.values["phone"],
            )
            for line in result.create
        ],
        batch_size=500,
    )
    changed, now = [], timezone.now()
    for line in result.change:
        contact = line.contact
        for column, (_old, new) in line.changes.items():
            if column == "organisation":
                contact.organisation = organisations[name_key(new)]
            else:
                setattr(contact, column, new)
        contact.updated_at = now
        changed.append(contact)
    Contact.objects.bulk_update(changed, [*CHANGED_FIELDS, "updated_at"], batch_size=500)
    return result
