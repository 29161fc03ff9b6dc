"""Following a background job from the page that started it (core.background)."""

from django.urls import reverse


def job_token(response) -> str:
    assert response.status_code == 302, response.status_code
    assert response.url.startswith("/tareas/"), response.url
    return response.url.split("/")[2]


def job_output(client, response) -> bytes:
    """The file a finished job left, downloaded as its page offers it."""
    token = job_token(response)
    page = client.get(reverse("core:job_detail", args=[token])).content.decode()
    assert "Terminado" in page, page
    download = client.get(reverse("core:job_download", args=[token]))
    return b"".join(download.streaming_content)
