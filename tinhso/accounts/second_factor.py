"""Second factor for the accounts that approve figures and issue keys: TOTP (an authenticator app) with
one-time recovery codes, by django-otp. Which roles must use it is a setting
(TINHSO_2FA_REQUIRED_ROLES, administrators by default); everyone else may turn it on."""

import base64
import io

import segno
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tinhso.accounts.models import User

RECOVERY_CODES = 10


def required_for(user: User) -> bool:
    roles = getattr(settings, "TINHSO_2FA_REQUIRED_ROLES", ())
    return user.is_authenticated and (user.role in roles or (user.is_superuser and "admin" in roles))


def has_second_factor(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def pending_totp(user: User) -> TOTPDevice:
    """The authenticator being set up (unconfirmed until the user types a first code from it)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Ứng dụng xác thực", confirmed=False)


def qr_svg_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code (segno: no image library, nothing fetched)."""
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(buffer, kind="svg", scale=5, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def secret_text(device: TOTPDevice) -> str:
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


def confirm_totp(user: User, code: str) -> list[str] | None:
    """Confirm the pending authenticator with its first code; returns new recovery codes (shown once),
    or None when the code is wrong."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(code.replace(" ", "")):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save()
        return new_recovery_codes(user)


def verify_device_after_setup(user: User) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=True)


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; each works once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Mã khôi phục", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def verify(user: User, code: str):
    """The device that accepts `code` (an authenticator code or an unused recovery code), or None. Each
    device's own throttling (growing delays after failures) is respected."""
    code = code.replace(" ", "").lower()
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            allowed, _ = device.verify_is_allowed()
            if allowed and device.verify_token(code):
                return device
    return None


def remove_second_factor(user: User) -> None:
    """What an administrator does for an official who lost their phone and their recovery codes."""
    for device in devices_for_user(user, confirmed=None):
        device.delete()
