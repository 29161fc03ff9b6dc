"""Recording follow-ups: calls, promises and their attachments."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from recovery.models import (
    Attachment,
    CaseStatus,
    FollowUp,
    PaymentPromise,
)
from recovery.services import follow_up_record


def post_follow_up(client, case, htmx=False, **data):
    payload = {"kind": "call", "outcome": "reached", "contact_person": "Sra. López"}
    payload.update(data)
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(
        reverse("recovery:follow_up_create", args=[case.pk]), payload, headers=headers
    )


@pytest.mark.django_db
def test_a_call_that_reaches_the_employer_puts_the_case_in_contact(client, agent_ss, case):
    client.force_login(agent_ss)
    response = post_follow_up(client, case, notes="Dice que pagará la próxima semana")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_CONTACT
    assert case.last_action_on == timezone.localdate()
    assert FollowUp.objects.get().created_by == agent_ss


@pytest.mark.django_db
def test_a_promise_is_recorded_with_what_the_account_showed_as_paid(client, agent_ss, case):
    client.force_login(agent_ss)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = post_follow_up(
        client,
        case,
        outcome="promised",
        promise_amount="100.00",
        promise_date=tomorrow.isoformat(),
        htmx=True,
    )
    # The whole page reloads: its header shows the new status and next action, and
    # the success message appears once.
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("recovery:case_detail", args=[case.pk])
    page = client.get(response["HX-Redirect"]).content.decode()
    assert "Promesa de $100.00" in page
    assert page.count("Gestión registrada.</li>") == 1
    assert "<strong>Compromiso de pago</strong>" in page
    promise = PaymentPromise.objects.get()
    assert promise.baseline_paid == Decimal("5.00") and promise.promised_on == tomorrow
    case.refresh_from_db()
    assert case.status == CaseStatus.PROMISE


@pytest.mark.django_db
def test_a_promise_without_amount_re_renders_the_form_with_errors(client, agent_ss, case):
    client.force_login(agent_ss)
    response = post_follow_up(client, case, outcome="promised", htmx=True)
    assert response.status_code == 400
    assert "Obligatorio cuando el patrono promete" in response.content.decode()
    assert not FollowUp.objects.exists()


@pytest.mark.django_db
def test_attachments_are_checked_by_type_size_and_content(agent_ss, case, settings, tmp_path):
    from django.core.exceptions import ValidationError

    settings.MEDIA_ROOT = tmp_path
    good = SimpleUploadedFile("acta.pdf", b"%PDF-1.4 contenido", content_type="application/pdf")
    follow_up_record(case=case, actor=agent_ss, kind="visit", outcome="reached", attachments=[good])
    assert Attachment.objects.get().original_name == "acta.pdf"
    for name, content in [("virus.exe", b"MZ..."), ("falso.pdf", b"<html>no</html>")]:
        with pytest.raises(ValidationError):
            follow_up_record(
                case=case,
                actor=agent_ss,
                kind="visit",
                outcome="reached",
                attachments=[SimpleUploadedFile(name, content)],
            )
    assert FollowUp.objects.count() == 1


@pytest.mark.django_db
def test_attachments_are_served_only_to_whom_sees_the_case(
    client, agent_ss, agent_sm, case, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("foto.png", b"\x89PNG\r\n\x1a\n....")
    follow_up_record(
        case=case, actor=agent_ss, kind="visit", outcome="reached", attachments=[upload]
    )
    url = reverse("recovery:attachment_download", args=[Attachment.objects.get().pk])
    client.force_login(agent_sm)
    assert client.get(url).status_code == 404
    client.force_login(agent_ss)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_promises_and_holds_have_a_horizon(agent_ss, case):
    from django.core.exceptions import ValidationError

    from recovery.services import case_hold

    with pytest.raises(ValidationError, match="90"):
        follow_up_record(
            case=case,
            actor=agent_ss,
            kind="call",
            outcome="promised",
            promise_amount=Decimal("10.00"),
            promise_date=datetime.date(9999, 12, 31),
        )
    with pytest.raises(ValidationError, match="365"):
        case_hold(
            case=case,
            actor=agent_ss,
            hold_reason="dispute",
            until=datetime.date(9999, 12, 31),
            note="x",
        )


@pytest.mark.django_db
def test_a_long_timeline_shows_the_newest_page_and_loads_older_entries_on_demand(
    client, agent_ss, case, django_assert_max_num_queries
):
    from recovery.queries import TIMELINE_PAGE_SIZE

    start = timezone.now() - datetime.timedelta(days=400)
    FollowUp.objects.bulk_create(
        FollowUp(
            case=case,
            kind="call",
            outcome="not_reached",
            notes=f"Llamada número {n}",
            occurred_at=start + datetime.timedelta(hours=n),
            created_by=agent_ss,
        )
        for n in range(1, 929)
    )
    events = case.timeline.count()  # newer than the calls: they come first
    oldest_shown = 928 - (TIMELINE_PAGE_SIZE - events) + 1
    client.force_login(agent_ss)
    with django_assert_max_num_queries(60):
        page = client.get(reverse("recovery:case_detail", args=[case.pk])).content.decode()
    assert "Llamada número 928\n" in page and f"Llamada número {oldest_shown}\n" in page
    assert f"Llamada número {oldest_shown - 1}\n" not in page
    assert len(page) < 150_000
    assert "Ver entradas anteriores" in page
    older = client.get(
        reverse("recovery:case_timeline", args=[case.pk]) + "?pagina=2",
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "<html" not in older  # rows only, appended under the shown ones
    assert f"Llamada número {oldest_shown - 1}\n" in older
    assert f"Llamada número {oldest_shown - TIMELINE_PAGE_SIZE}\n" in older
    assert f"Llamada número {oldest_shown}\n" not in older and 'id="timeline-more"' in older
    # Without JavaScript the same link is a page of its own; the last page has no "more".
    last = (928 + case.timeline.count()) // TIMELINE_PAGE_SIZE + 1
    tail = client.get(
        reverse("recovery:case_timeline", args=[case.pk]) + f"?pagina={last}"
    ).content.decode()
    assert "Llamada número 1\n" in tail and 'id="timeline-more"' not in tail
    assert (
        client.get(reverse("recovery:case_timeline", args=[case.pk]) + "?pagina=x").status_code
        == 200
    )


@pytest.mark.django_db
def test_another_branchs_case_timeline_is_a_404(client, agent_sm, case):
    client.force_login(agent_sm)
    response = client.get(reverse("recovery:case_timeline", args=[case.pk]))
    assert response.status_code == 404
