"""tinhso identity rotate-key: retire the ID-token signing key and start a new one."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from tinhso.identity.keys import rotate


class Command(BaseCommand):
    help = ("Tạo khoá ký mới cho ID token; khoá cũ vẫn được công bố trong JWKS để phiên đang dùng không bị "
            "gián đoạn. Khởi động lại máy chủ để dùng khoá mới. / Start a new ID-token signing key; the old one "
            "stays in the JWKS so signed-in users are not cut off. Restart the server to use the new key.")

    def handle(self, *args, **options) -> None:
        retired = rotate(settings.DATA_DIR, timezone.now().strftime("%Y%m%dT%H%M%S"))
        self.stdout.write(f"Khoá cũ lưu tại / old key kept at {retired}; khoá mới / new key: "
                          f"{settings.DATA_DIR / 'oidc-signing-key.pem'}")
