import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from indicators.importing import counts_text, import_file


class ProgressBar:
    """A one-line bar on stderr, redrawn as the file is read: [#####.....]  52 %  520 000 lignes."""

    WIDTH = 30

    def __init__(self, stream, total):
        self.stream, self.total = stream, max(total, 1)

    def __call__(self, rows, position):
        done = min(1, position / self.total)
        filled = round(done * self.WIDTH)
        rows_text = ngettext("%(rows)s row", "%(rows)s rows", rows) % {"rows": number_format(rows, force_grouping=True)}
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {done * 100:3.0f} %  {rows_text}")
        self.stream.flush()

    def close(self):
        self.stream.write("\n")


class Command(BaseCommand):
    help = "Import indicator observations from a CSV file: all rows or none. Exit status 1 when rejected."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (comma or semicolon, UTF-8 or Windows-1252)")
        parser.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
        parser.add_argument(
            "--progress",
            action="store_true",
            default=None,
            help="draw a progress bar on stderr (the default when stderr is a terminal)",
        )

    def handle(self, *args, file, dry_run, progress, **options):
        path = Path(file)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": exc.strerror}, returncode=1
            ) from None
        bar = None
        if progress or (progress is None and sys.stderr.isatty()):
            bar = ProgressBar(self.stderr, size)
        parsed, plan, _record = import_file(path, file_name=path.name, dry_run=dry_run, progress=bar)
        if bar is not None:
            bar.close()
        if not parsed.ok:
            for line in parsed.report():
                self.stderr.write(line)
            raise CommandError(
                ngettext(
                    "File rejected: %(count)s error, nothing was imported.",
                    "File rejected: %(count)s errors, nothing was imported.",
                    parsed.error_count,
                )
                % {"count": parsed.error_count},
                returncode=1,
            )
        self._report(plan, dry_run)

    def _report(self, plan, dry_run):
        figures = (plan.added, plan.changed, plan.unchanged)
        if plan.combined_rows:
            self.stdout.write(
                ngettext(
                    "%(rows)s rows of the file with full ROME codes were combined into %(observations)s "
                    "observation: their counts are summed by domain.",
                    "%(rows)s rows of the file with full ROME codes were combined into %(observations)s "
                    "observations: their counts are summed by domain.",
                    plan.combined_into,
                )
                % {"rows": plan.combined_rows, "observations": plan.combined_into}
            )
        if dry_run:
            self.stdout.write(
                _("Dry run: %(counts)s. Nothing written.") % {"counts": counts_text(*figures, planned=True)}
            )
        else:
            self.stdout.write(_("Imported: %(counts)s.") % {"counts": counts_text(*figures)})
