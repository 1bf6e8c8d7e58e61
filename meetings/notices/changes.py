"""What an update mail says changed in a meeting: old → new, from its MeetingChange records."""

import datetime as dt
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from reference.timezones import PARIS

from ..models import Meeting
from ..spans import describe, start_day


def _read(schedule):
    return {
        name: dt.datetime.fromisoformat(value) if name in ("starts_at", "ends_at") else value
        for name, value in schedule.items()
    }


@dataclass
class Change:
    """Old → new of one or more MeetingChange records in a row (the first's before, the last's after)."""

    before: dict
    after: dict

    @classmethod
    def of(cls, records):
        return cls(before=_read(records[0].before), after=_read(records[-1].after))

    @property
    def moved(self):
        return self.before["starts_at"] != self.after["starts_at"] or self.before["all_day"] != self.after["all_day"]

    @property
    def new_hours(self):
        return not self.moved and self.before["ends_at"] != self.after["ends_at"]

    @property
    def new_place(self):
        return self.before["place"] != self.after["place"]

    @property
    def new_video(self):
        return self.before["video_url"] != self.after["video_url"]

    def when(self, schedule):
        return describe(schedule["starts_at"], schedule["ends_at"], schedule["all_day"])

    def lines(self):
        """(what, before, after) of each thing that changed, in words."""
        lines = []
        if self.moved or self.new_hours:
            lines.append((_("Date and time"), self.when(self.before), self.when(self.after)))
        none = _("none")
        if self.new_place:
            lines.append((_("Place"), self.before["place"] or none, self.after["place"] or none))
        if self.new_video:
            lines.append((_("Video link"), self.before["video_url"] or none, self.after["video_url"] or none))
        return lines

    def move_words(self):
        """ "du mardi 2 à 9h30 au jeudi 4 mars 2027 à 14h00": from the old start to the new one."""
        old, new = (timezone.localtime(s["starts_at"], PARIS) for s in (self.before, self.after))
        old_day = start_day(old.date(), new.date())
        new_day = formats.date_format(new, "l j F Y")
        if not self.before["all_day"]:
            old_day = _("%(day)s at %(time)s") % {"day": old_day, "time": formats.time_format(old, "G\\hi")}
        if not self.after["all_day"]:
            new_day = _("%(day)s at %(time)s") % {"day": new_day, "time": formats.time_format(new, "G\\hi")}
        return _("from %(old)s to %(new)s") % {"old": old_day, "new": new_day}

    def headline(self, kind):
        """ "Réunion déplacée", "changement de lieu", … joined: the start of the subject."""
        parts = []
        if self.moved:
            parts.append(_("Event moved") if kind == Meeting.Kind.EVENT else _("Meeting moved"))
        elif self.new_hours:
            parts.append(_("new hours"))
        if self.new_place:
            parts.append(_("new place"))
        if self.new_video:
            parts.append(_("new video link"))
        text = ", ".join(parts) or _("Meeting changed")
        return text[0].upper() + text[1:]
