from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Answer, Invitee, Poll, PollOption


class PollOptionInline(admin.TabularInline):
    model = PollOption
    extra = 0


class InviteeInline(admin.TabularInline):
    model = Invitee
    extra = 0
    fields = ["contact", "answered_at", "comment"]
    readonly_fields = ["answered_at"]
    autocomplete_fields = ["contact"]


@admin.register(Poll)
class PollAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "status", "deadline", "chosen", "invited", "created_at"]
    list_filter = ["status", "group"]
    search_fields = ["title", "group__name", "description"]
    list_select_related = ["group", "chosen"]
    date_hierarchy = "created_at"
    inlines = [PollOptionInline, InviteeInline]
    readonly_fields = ["status", "chosen", "meeting", "round", "created_by", "created_at", "closed_at", "reopened_at"]
    autocomplete_fields = ["group"]

    @admin.display(description=_("people asked"))
    def invited(self, obj):
        return obj.invitees.count()


@admin.register(Invitee)
class InviteeAdmin(admin.ModelAdmin):
    list_display = ["contact", "poll", "answered_at"]
    list_filter = [("answered_at", admin.EmptyFieldListFilter), "poll__group"]
    search_fields = ["contact__first_name", "contact__last_name", "contact__email", "poll__title"]
    list_select_related = ["contact", "poll__group"]
    autocomplete_fields = ["contact", "poll"]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["invitee", "option", "choice"]
    list_filter = ["choice", "option__poll__group"]
    search_fields = ["invitee__contact__last_name", "invitee__contact__first_name", "option__poll__title"]
    list_select_related = ["invitee__contact", "option__poll"]
    autocomplete_fields = ["invitee"]
