"""The office's flows through the services and the pages: guidelines read and
acknowledged, meetings with action items, trainings and who has not been trained,
inductions; scoping by branch and role."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from office import services
from office.models import ActionStatus, Guideline, InductionItem, Training
from people.models import Branch, Notification
from people.roles import Role
from reporting.models import PlanStatus, RecoveryPlan
from tests.factories import UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def staff(db):
    ss, sm = Branch.objects.get(code="SS"), Branch.objects.get(code="SM")
    return {
        "head": UserFactory(role=Role.DEPARTMENT_HEAD, username="jefa", first_name="Jefa"),
        "bh_ss": UserFactory(role=Role.BRANCH_HEAD, branch=ss, username="jefe-ss"),
        "ana": UserFactory(role=Role.AGENT, branch=ss, username="ana", first_name="Ana"),
        "beto": UserFactory(role=Role.AGENT, branch=ss, username="beto", first_name="Beto"),
        "carla": UserFactory(role=Role.AGENT, branch=sm, username="carla", first_name="Carla"),
        "admin": UserFactory(role=Role.ADMIN_STAFF, username="colab"),
        "secretary": UserFactory(role=Role.SECRETARY, username="secre"),
        "auditor": UserFactory(role=Role.AUDITOR, username="auditor"),
        "legal": UserFactory(role=Role.LEGAL, username="juridico"),
    }


def pdf(name="lineamiento.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def publish(staff, **kwargs):
    fields = {
        "kind": "guideline",
        "title": "Lineamiento de gestión telefónica",
        "version": "1",
        "summary": "Llamar dentro de las 48 horas.",
        **kwargs,
    }
    return services.guideline_publish(actor=staff["head"], upload=pdf(), **fields)


# Guidelines --------------------------------------------------------------------------


def test_a_bad_document_is_refused_with_the_reason(staff):
    with pytest.raises(ValidationError, match="no es realmente"):
        services.guideline_publish(
            actor=staff["head"],
            upload=SimpleUploadedFile("l.pdf", b"MZ\x90 not a pdf"),
            kind="guideline",
            title="X",
            version="1",
            summary="x",
        )
    with pytest.raises(ValidationError, match="solo se aceptan"):
        services.guideline_publish(
            actor=staff["head"],
            upload=SimpleUploadedFile("l.exe", b"MZ"),
            kind="guideline",
            title="X",
            version="1",
            summary="x",
        )
    assert not Guideline.objects.exists()


def test_only_the_head_publishes(staff):
    for who in ("bh_ss", "ana", "auditor", "secretary"):
        with pytest.raises(PermissionDenied):
            services.guideline_publish(
                actor=staff[who],
                upload=pdf(),
                kind="guideline",
                title="X",
                version="1",
                summary="x",
            )
    assert not Guideline.objects.exists()


def test_staff_must_read_it_and_the_head_sees_who_has_not(staff):
    guideline = publish(staff)
    # Everyone of the collection staff was told; the secretary, the auditor, the
    # Legal Unit and the head are not asked to read it.
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"jefe-ss", "ana", "beto", "carla", "colab"}
    for who in ("secretary", "auditor", "legal", "head"):
        assert not services.unread_guidelines(staff[who]).exists()
    assert list(services.unread_guidelines(staff["ana"])) == [guideline]

    services.guideline_acknowledge(guideline=guideline, actor=staff["ana"])
    services.guideline_acknowledge(guideline=guideline, actor=staff["ana"])  # once only
    services.guideline_acknowledge(guideline=guideline, actor=staff["carla"])
    assert not services.unread_guidelines(staff["ana"]).exists()

    done, pending = services.readers(guideline, staff["head"])
    assert {p.username for p, _ack in done} == {"ana", "carla"}
    assert {p.username for p in pending} == {"jefe-ss", "beto", "colab"}
    # The branch head sees their branch's staff only.
    done, pending = services.readers(guideline, staff["bh_ss"])
    assert {p.username for p, _a in done} == {"ana"}
    assert {p.username for p in pending} == {"jefe-ss", "beto"}
    counts = services.guideline_counts([guideline], staff["head"])
    assert counts[guideline.pk] == (2, 5)


def test_a_new_version_must_be_read_again_and_the_old_one_stays_readable(staff):
    first = publish(staff)
    services.guideline_acknowledge(guideline=first, actor=staff["ana"])
    second = publish(staff, version="2", supersedes=first)
    assert list(Guideline.objects.current()) == [second]
    assert list(services.unread_guidelines(staff["ana"])) == [second]
    with pytest.raises(ValidationError, match="reemplazada"):
        services.guideline_acknowledge(guideline=first, actor=staff["beto"])
    with pytest.raises(ValidationError):
        publish(staff, version="2b", supersedes=first)


def test_the_home_page_shows_what_to_read_until_it_is_acknowledged(client, staff):
    guideline = publish(staff)
    client.force_login(staff["ana"])
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert "Lineamiento de gestión telefónica" in page.content.decode()
    detail = client.get(reverse("office:guideline_detail", args=[guideline.pk]))
    assert "Ya lo leí" in detail.content.decode()
    # Without ticking the box nothing is recorded.
    client.post(reverse("office:guideline_acknowledge", args=[guideline.pk]))
    assert services.unread_guidelines(staff["ana"]).exists()
    client.post(reverse("office:guideline_acknowledge", args=[guideline.pk]), {"confirm": "on"})
    assert not services.unread_guidelines(staff["ana"]).exists()
    assert client.get(reverse("home")).status_code == 302  # on to the queue


def test_the_publish_page_refuses_a_bad_file_and_keeps_the_form(client, staff):
    client.force_login(staff["head"])
    page = client.post(
        reverse("office:guideline_create"),
        {
            "kind": "procedure",
            "title": "Procedimiento de convenios",
            "version": "3",
            "summary": "Cambios",
            "document": SimpleUploadedFile("p.pdf", b"not a pdf"),
        },
    )
    assert page.status_code == 200
    assert "no es realmente" in page.content.decode()
    assert "Procedimiento de convenios" in page.content.decode()
    assert not Guideline.objects.exists()


# Meetings and action items -------------------------------------------------------------


def meeting(staff, actor="head", branch=None, **kwargs):
    today = timezone.localdate()
    return services.meeting_record(
        actor=staff[actor],
        title="Seguimiento mensual del plan",
        held_on=today,
        place="Sala de reuniones",
        branch=branch,
        minutes="Se revisaron las metas.",
        attendees=[staff["bh_ss"], staff["ana"]],
        actions=kwargs.get(
            "actions",
            [
                {
                    "what": "Llamar a los 20 patronos mayores",
                    "owner": staff["ana"],
                    "due_on": today - datetime.timedelta(days=2),
                },
                {
                    "what": "Revisar convenios por vencer",
                    "owner": staff["bh_ss"],
                    "due_on": today + datetime.timedelta(days=7),
                },
            ],
        ),
    )


def test_action_items_go_to_their_owners_and_the_overdue_ones_to_the_head(client, staff):
    m = meeting(staff)
    assert Notification.objects.filter(user=staff["ana"]).count() == 1
    client.force_login(staff["ana"])
    home = client.get(reverse("home")).content.decode()
    assert "Llamar a los 20 patronos mayores" in home and "Vencida" in home
    client.force_login(staff["head"])
    dashboard = client.get(reverse("reporting:dashboard")).content.decode()
    assert "Llamar a los 20 patronos mayores" in dashboard
    # The owner closes it; it leaves the overdue list.
    late = m.action_items.get(owner=staff["ana"])
    client.force_login(staff["ana"])
    client.post(reverse("office:action_done", args=[late.pk]), {"note": "Hecho"})
    late.refresh_from_db()
    assert late.status == ActionStatus.DONE and late.done_by == staff["ana"]
    client.force_login(staff["head"])
    assert "Llamar a los 20" not in client.get(reverse("reporting:dashboard")).content.decode()


def test_only_the_owner_or_the_meetings_heads_close_an_item(staff):
    m = meeting(staff)
    item = m.action_items.get(owner=staff["ana"])
    with pytest.raises(PermissionDenied):
        services.action_done(item=item, actor=staff["beto"])
    with pytest.raises(PermissionDenied):
        services.action_done(item=item, actor=staff["auditor"])
    services.action_done(item=item, actor=staff["head"])
    with pytest.raises(ValidationError, match="ya está"):
        services.action_done(item=item, actor=staff["ana"])
    with pytest.raises(ValidationError):
        services.action_reopen(item=item, actor=staff["head"], note="  ")
    services.action_reopen(item=item, actor=staff["head"], note="Falta evidencia")
    item.refresh_from_db()
    assert item.status == ActionStatus.OPEN and item.done_at is None


def test_a_branch_head_holds_meetings_of_their_own_branch_only(staff):
    sm = Branch.objects.get(code="SM")
    with pytest.raises(ValidationError, match="propia sucursal"):
        meeting(staff, actor="bh_ss", branch=sm, actions=[])
    with pytest.raises(ValidationError, match="propia sucursal"):
        meeting(staff, actor="bh_ss", branch=None, actions=[])
    with pytest.raises(ValidationError, match="personal"):
        meeting(
            staff,
            actor="bh_ss",
            branch=staff["bh_ss"].branch,
            actions=[{"what": "x", "owner": staff["carla"], "due_on": timezone.localdate()}],
        )


def test_meetings_are_scoped(client, staff):
    ss = staff["bh_ss"].branch
    m = meeting(staff, actor="bh_ss", branch=ss, actions=[])
    url = reverse("office:meeting_detail", args=[m.pk])
    for who, status in [("carla", 404), ("beto", 200), ("head", 200), ("auditor", 200)]:
        client.force_login(staff[who])
        assert client.get(url).status_code == status, who
    client.force_login(staff["secretary"])
    assert client.get(reverse("office:meeting_list")).status_code == 403
    client.force_login(staff["auditor"])
    assert client.post(reverse("office:meeting_create"), {}).status_code == 403


def test_the_meeting_page_records_a_meeting_with_its_items(client, staff):
    client.force_login(staff["head"])
    today = timezone.localdate()
    data = {
        "title": "Reunión de jefes",
        "held_on": today.isoformat(),
        "place": "Virtual",
        "branch": "",
        "attendees": [staff["bh_ss"].pk],
        "minutes": "Acuerdos",
        "accion-TOTAL_FORMS": "3",
        "accion-INITIAL_FORMS": "0",
        "accion-0-what": "Enviar informe",
        "accion-0-owner": staff["bh_ss"].pk,
        "accion-0-due_on": today.isoformat(),
    }
    response = client.post(reverse("office:meeting_create"), data)
    assert response.status_code == 302
    # An item with no owner re-renders the form with the reason.
    data["accion-1-what"] = "Sin dueño"
    again = client.post(reverse("office:meeting_create"), data)
    assert again.status_code == 200 and "obligatorio" in again.content.decode()


# Trainings -------------------------------------------------------------------------------


@pytest.fixture
def plan(staff):
    return RecoveryPlan.objects.create(
        year=timezone.localdate().year,
        version=1,
        status=PlanStatus.APPROVED,
        created_by=staff["head"],
    )


def test_trainings_invite_by_branch_and_role_and_record_attendance(staff, plan):
    with pytest.raises(ValidationError, match="lugar"):
        services.training_plan(
            actor=staff["head"],
            topic="Plan 2026",
            starts_at=timezone.now(),
            trainer="Jefa",
            plan=plan,
        )
    training = services.training_plan(
        actor=staff["head"],
        topic="Estrategias del plan",
        starts_at=timezone.now() + datetime.timedelta(days=1),
        place="Auditorio",
        trainer="Jefa",
        plan=plan,
    )
    ss = staff["ana"].branch
    assert (
        services.training_invite(
            training=training, actor=staff["head"], branches=[ss], roles=[Role.AGENT]
        )
        == 2
    )
    assert services.training_invite(training=training, actor=staff["head"]) == 3  # the rest
    with pytest.raises(ValidationError, match="haya realizado"):
        services.attendance_record(
            training=training, actor=staff["head"], present=[staff["ana"].pk]
        )
    Training.objects.filter(pk=training.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    training.refresh_from_db()
    with pytest.raises(ValidationError):
        services.attendance_record(
            training=training, actor=staff["head"], present=[staff["secretary"].pk]
        )
    services.attendance_record(
        training=training, actor=staff["head"], present=[staff["ana"].pk, staff["carla"].pk]
    )
    year = plan.year
    assert {u.username for u in services.untrained(staff["head"], year)} == {
        "jefe-ss",
        "beto",
        "colab",
    }
    assert {u.username for u in services.untrained(staff["bh_ss"], year)} == {"jefe-ss", "beto"}
    # A training not on the plan does not count.
    other = services.training_plan(
        actor=staff["head"],
        topic="Excel",
        starts_at=timezone.now() - datetime.timedelta(days=1),
        online_link="https://meet.example/x",
        trainer="TI",
    )
    services.training_invite(training=other, actor=staff["head"])
    services.attendance_record(training=other, actor=staff["head"], present=[staff["beto"].pk])
    assert "beto" in {u.username for u in services.untrained(staff["head"], year)}


def test_the_untrained_page_and_its_export(client, staff, plan):
    client.force_login(staff["head"])
    page = client.get(reverse("office:untrained"))
    assert page.status_code == 200 and "Beto" in page.content.decode()
    export = client.get(reverse("office:untrained"), {"year": plan.year, "export": "csv"})
    assert b"Beto" in b"".join(export.streaming_content)
    client.force_login(staff["ana"])
    assert client.get(reverse("office:untrained")).status_code == 403


# Induction ------------------------------------------------------------------------------


def test_an_induction_checklist_and_its_progress(client, staff):
    assert InductionItem.objects.filter(active=True).count() == 7
    induction = services.induction_start(
        user=staff["beto"], actor=staff["head"], started_on=timezone.localdate()
    )
    with pytest.raises(ValidationError, match="ya"):
        services.induction_start(
            user=staff["beto"], actor=staff["head"], started_on=timezone.localdate()
        )
    with pytest.raises(ValidationError):
        services.induction_start(
            user=staff["secretary"], actor=staff["head"], started_on=timezone.localdate()
        )
    first, second = list(induction.tasks.all())[:2]
    services.induction_tick(task=first, actor=staff["bh_ss"], done=True)
    assert services.induction_progress([induction]) == {induction.pk: (1, 7)}
    # Another branch's head cannot tick it.
    bh_sm = UserFactory(role=Role.BRANCH_HEAD, branch=staff["carla"].branch)
    with pytest.raises(PermissionDenied):
        services.induction_tick(task=second, actor=bh_sm, done=True)
    url = reverse("office:induction_detail", args=[induction.pk])
    for who, status in [("beto", 200), ("ana", 404), ("bh_ss", 200), ("auditor", 200)]:
        client.force_login(staff[who])
        assert client.get(url).status_code == status, who
    client.force_login(bh_sm)
    assert client.get(url).status_code == 404
    client.force_login(staff["beto"])
    assert "1 de 7" in client.get(reverse("home")).content.decode()


# Every list page, each role --------------------------------------------------------------

PAGES = [
    "office:home",
    "office:guideline_list",
    "office:meeting_list",
    "office:action_list",
    "office:training_list",
    "office:induction_list",
    "office:evaluation_list",
]


def test_every_list_page_answers_each_role_with_a_bounded_number_of_queries(
    client, staff, plan, django_assert_max_num_queries
):
    guideline = publish(staff)
    services.guideline_acknowledge(guideline=guideline, actor=staff["ana"])
    meeting(staff)
    meeting(staff)
    services.induction_start(
        user=staff["beto"], actor=staff["head"], started_on=timezone.localdate()
    )
    training = services.training_plan(
        actor=staff["head"],
        topic="Plan",
        starts_at=timezone.now(),
        place="Sala",
        trainer="Jefa",
        plan=plan,
    )
    services.training_invite(training=training, actor=staff["head"])
    expected = {
        "head": [200] * 7,
        "bh_ss": [200] * 7,
        "ana": [200, 200, 200, 200, 200, 403, 200],
        "auditor": [200] * 7,
        "secretary": [403] * 7,
        "legal": [403] * 7,
    }
    for who, statuses in expected.items():
        client.force_login(staff[who])
        for name, status in zip(PAGES, statuses, strict=True):
            with django_assert_max_num_queries(16):
                response = client.get(reverse(name))
            assert response.status_code == status, (who, name)
            if status == 200:
                for fmt in ("csv", "xlsx"):
                    if name == "office:home":
                        continue
                    assert client.get(reverse(name), {"export": fmt}).status_code == 200


def test_the_dashboards_overdue_panel_does_not_grow_with_the_items(client, staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff["head"])
    client.get(reverse("reporting:dashboard"))  # the session's first renewal, not counted
    counts = []
    for _round in range(2):
        for _ in range(6):
            meeting(staff)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("reporting:dashboard"))
        assert page.status_code == 200 and "Acuerdos vencidos" in page.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_training_page_refuses_a_bad_material_and_keeps_the_form(client, staff):
    client.force_login(staff["head"])
    page = client.post(
        reverse("office:training_create"),
        {
            "topic": "Convenios",
            "starts_at": "2026-12-10T09:00",
            "place": "Sala",
            "trainer": "Jefa",
            "material_file": SimpleUploadedFile("m.pdf", b"not a pdf"),
        },
    )
    assert page.status_code == 200 and "no es realmente" in page.content.decode()
    assert not Training.objects.exists()
    again = client.post(
        reverse("office:training_create"),
        {"topic": "Convenios", "starts_at": "2026-12-10T09:00", "trainer": "Jefa"},
    )
    assert again.status_code == 200 and "lugar o un enlace" in again.content.decode()


def test_the_induction_steps_and_the_response_templates_are_kept_in_the_admin(client, db):
    from people.models import User

    admin_user = User.objects.create_superuser("raiz", "raiz@example.com", "secreto-123")
    client.force_login(admin_user)
    for url in ("/admin/office/inductionitem/", "/admin/correspondence/responsetemplate/"):
        assert client.get(url).status_code == 200, url


def test_the_training_list_explains_a_year_out_of_range(client, staff):
    """?year=99999 was a 500 (Python's dates end in 9999): now the filter says why."""
    client.force_login(staff["head"])
    for year in ("99999", "-3", "0"):
        page = client.get(reverse("office:training_list"), {"year": year})
        assert page.status_code == 200, year
        assert "Asegúrese de que este valor" in page.content.decode(), year
    assert client.get(reverse("office:training_list"), {"year": "2026"}).status_code == 200
