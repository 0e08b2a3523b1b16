"""What the transport commands share: the account they act as (audit and permissions need a real one)."""

from django.core.management.base import CommandError


def add_user_argument(parser) -> None:
    parser.add_argument("--user", default="", help="tài khoản thực hiện (mặc định: quản trị đầu tiên) / acting "
                                                  "account (default: the first superuser)")


def acting_user(username: str):
    from tinhso.accounts.models import User

    user = (User.objects.filter(username=username).first() if username else
            User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first())
    if user is None:
        raise CommandError(f"không có tài khoản '{username}' / no such account" if username else
                           "chưa có tài khoản quản trị: tạo bằng `tinhso manage createsuperuser` hoặc dùng --user / "
                           "no superuser yet: create one or pass --user")
    return user


def domain_error(exc) -> CommandError:
    lines = [f"{exc.vi} / {exc.en}"] + [f"  {e}" for e in getattr(exc, "errors", [])[:200]]
    return CommandError("\n".join(lines))
