"""Actions: a group's decisions, each owned by one contact."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..models import Action, Lever


def create_action(
    *,
    group,
    title,
    owner,
    meeting=None,
    description="",
    due_date=None,
    lever=Lever.AUTRE,
    lever_name="",
    kind=Action.Kind.ACTION,
    status=Action.Status.TODO,
    **reach,
):
    """A decision becomes an action, owned by one contact; `reach` (Action.REACH_FIELDS) when recorded."""
    if owner is None:
        raise ValidationError(_("An action needs an owner."))
    if meeting is not None and meeting.group_id != group.pk:
        raise ValidationError(_("The meeting belongs to another group."))
    return Action.objects.create(
        group=group,
        meeting=meeting,
        title=title,
        owner=owner,
        description=description,
        due_date=due_date,
        lever=lever,
        lever_name=lever_name,
        kind=kind,
        **reach,
        status=status,
    )


def update_action(action, *, by=None, **fields):
    """Change an action (status and progress by its owner; anything by a coordinator)."""
    if "owner" in fields and fields["owner"] is None:
        raise ValidationError(_("An action needs an owner."))
    for name, value in fields.items():
        setattr(action, name, value)
    action.save()
    return action
