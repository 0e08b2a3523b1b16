"""DTI evidence is downloaded as an attachment typed by its checked extension, whatever the upload claimed."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tinhso.conftest import PASSWORD
from tinhso.dti import services


def test_evidence_is_served_with_the_type_of_its_extension(root_admin, framework, province, commune,
                                                           other_commune, commune_focal):
    round_ = services.create_round(root_admin, "DTI xã 2024", 2024, framework, province, [commune, other_commune])
    services.open_round(root_admin, round_.pk)
    evidence = services.add_evidence(commune_focal, round_.pk, commune.pk, "A3",
                                     SimpleUploadedFile("ke-hoach.txt", b"<html><script>x</script>",
                                                        content_type="text/html"))
    client = Client()
    client.login(username=commune_focal.username, password=PASSWORD)
    response = client.get(f"/dti/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
