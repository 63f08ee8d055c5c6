from django.urls import path

from .views import events, export_log, pairings, school_tab, teachers

app_name = "support"

urlpatterns = [
    path("pairings/", pairings.pairing_list, name="pairing-list"),
    path("pairings/diagram/", pairings.pairing_diagram, name="pairing-diagram"),
    path("pairings/new/", pairings.pairing_create, name="pairing-create"),
    path("pairings/<int:pk>/", pairings.pairing_detail, name="pairing-detail"),
    path("pairings/<int:pk>/edit/", pairings.pairing_update, name="pairing-update"),
    path("pairings/<int:pk>/end/", pairings.pairing_end, name="pairing-end"),
    path("pairings/<int:pk>/renew/", pairings.pairing_renew, name="pairing-renew"),
    path("events/", events.event_list, name="event-list"),
    path("events/calendar/", events.event_calendar, name="event-calendar"),
    path("events/new/", events.event_create, name="event-create"),
    path("events/<int:pk>/", events.event_detail, name="event-detail"),
    path("events/<int:pk>/edit/", events.event_update, name="event-edit"),
    path("events/<int:pk>/delete/", events.event_delete, name="event-delete"),
    path("events/<int:pk>/participants/counts/", events.event_counts, name="event-counts"),
    path("events/<int:pk>/participants/", events.participant_add, name="participant-add"),
    path("events/<int:pk>/participants/export/", events.participants_export, name="participants-export"),
    path(
        "events/<int:pk>/participants/<int:participant_pk>/delete/",
        events.participant_delete,
        name="participant-delete",
    ),
    path("events/<int:pk>/materials/", events.material_upload, name="material-upload"),
    path("materials/<int:pk>/", events.material_download, name="material-download"),
    path("materials/<int:pk>/delete/", events.material_delete, name="material-delete"),
    path("consultations/", events.consultation_journal, name="consultation-journal"),
    path("export-log/", export_log.export_log, name="export-log"),
    path("schools/<slug:code>/teachers/", teachers.teacher_list, name="teacher-list"),
    path("schools/<slug:code>/teachers/new/", teachers.teacher_create, name="teacher-create"),
    path("schools/<slug:code>/competencies/", teachers.school_competencies, name="school-competencies"),
    path("schools/<slug:code>/mentoring/", school_tab.school_mentoring_tab, name="school-mentoring-tab"),
    path("teachers/<int:pk>/", teachers.teacher_detail, name="teacher-detail"),
    path("teachers/<int:pk>/edit/", teachers.teacher_update, name="teacher-update"),
    path("teachers/<int:pk>/development/", teachers.development_add, name="development-add"),
    path(
        "teachers/<int:pk>/development/<int:record_pk>/edit/",
        teachers.development_update,
        name="development-update",
    ),
    path(
        "teachers/<int:pk>/development/<int:record_pk>/certificate/",
        teachers.certificate_download,
        name="certificate-download",
    ),
    path("teachers/<int:pk>/diagnostics/new/", teachers.diagnostic_create, name="diagnostic-create"),
    path("teachers/<int:pk>/route/", teachers.route_add, name="route-add"),
    path("teachers/<int:pk>/route/<int:step_pk>/done/", teachers.route_done, name="route-done"),
]
