import pytest

from tinhso.core.errors import Forbidden, ValidationFailed
from tinhso.sharing import services
from tinhso.sharing.models import AccessStatus, ApiKey

pytestmark = pytest.mark.django_db


def test_consumer_requests_provider_approves_and_every_step_is_audited(api_as, consumer_focal, provider_focal,
                                                                        service, consumer_unit):
    consumer, provider = api_as(consumer_focal), api_as(provider_focal)
    created = consumer.post("/sharing/access", {"service_id": service.pk, "consumer_unit": consumer_unit.code,
                                                "consumer_system": "HIS", "purpose": "Xác minh khai sinh cho trẻ"})
    assert created.status_code == 201, created.json()
    access_id = created.json()["id"]
    assert created.json()["status"] == "pending"
    # the consumer cannot approve its own request
    assert consumer.post(f"/sharing/access/{access_id}/decision", {"approve": True}).status_code == 403
    decided = provider.post(f"/sharing/access/{access_id}/decision", {"approve": True, "version": 1})
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    history = provider.get(f"/sharing/access/{access_id}/history").json()
    assert [h["reason"].split(" /")[0] for h in history] == ["Phê duyệt", "Đề nghị khai thác"]
    assert [h["who"] for h in history] == ["provider-focal", "consumer-focal"]


def test_refusal_needs_a_reason_and_a_decided_request_cannot_be_decided_again(consumer_focal, provider_focal,
                                                                              service, consumer_unit):
    access = services.request_access(consumer_focal, service.pk, consumer_unit.code, "HIS", "Xác minh hộ tịch")
    with pytest.raises(ValidationFailed):
        services.decide_access(provider_focal, access.pk, False, "")
    refused = services.decide_access(provider_focal, access.pk, False, "Chưa có văn bản đề nghị")
    assert refused.status == AccessStatus.REFUSED
    with pytest.raises(ValidationFailed):
        services.decide_access(provider_focal, access.pk, True)


def test_a_unit_cannot_request_access_for_another_unit(provider_focal, service, consumer_unit, viewer_user):
    with pytest.raises(Forbidden):
        services.request_access(provider_focal, service.pk, consumer_unit.code, "HIS", "Mục đích hợp lệ dài")


def test_operator_sees_every_request_but_decides_nothing(operator, consumer_focal, service, consumer_unit):
    access = services.request_access(consumer_focal, service.pk, consumer_unit.code, "HIS", "Xác minh hộ tịch")
    assert services.list_accesses(operator) == [access]
    with pytest.raises(Forbidden):
        services.decide_access(operator, access.pk, True)


def test_keys_are_shown_once_and_stored_hashed(api_as, consumer_focal, approved):
    client = api_as(consumer_focal)
    issued = client.post(f"/sharing/access/{approved.pk}/keys", {"days": 30})
    assert issued.status_code == 201
    raw = issued.json()["key"]
    assert raw.startswith("tsg_")
    stored = ApiKey.objects.get()
    assert stored.digest == ApiKey.digest_of(raw) and raw not in (stored.digest, stored.hint)
    listed = client.get(f"/sharing/access/{approved.pk}/keys").json()
    assert listed[0]["key"] is None


def test_no_key_before_approval(consumer_focal, service, consumer_unit):
    access = services.request_access(consumer_focal, service.pk, consumer_unit.code, "HIS", "Xác minh hộ tịch")
    with pytest.raises(ValidationFailed):
        services.issue_key(consumer_focal, access.pk)


def test_revoking_the_access_revokes_its_keys(provider_focal, approved, key):
    services.revoke_access(provider_focal, approved.pk, "Hết nhu cầu")
    assert services.grant_for_key(key) is None
    assert ApiKey.objects.get().revoked_at is not None
