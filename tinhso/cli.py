"""`tinhso` command line: demo, serve, migrate, units import-admin|import|export, and any Django command."""

import argparse
import os
import sys


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")
    import django

    django.setup()


def _serve(host: str, port: int, threads: int) -> None:
    from waitress import serve

    from tinhso.wsgi import application

    serve(application, host=host, port=port, threads=threads, ident="tinhso")


def _banner(host: str, port: int) -> None:
    from django.conf import settings

    from tinhso.accounts.demo import logins

    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    print("\n" + "=" * 72)
    print(f"  Tỉnh số đang chạy tại / tinhso is running at:  http://{shown}:{port}/")
    print(f"  API:  http://{shown}:{port}/api/v1/docs")
    print(f"  Dữ liệu / data: {settings.DATABASES['default']['NAME']}")
    print("  Tài khoản mẫu / demo logins:")
    for username, password, what in logins():
        print(f"    {username:<20} {password:<14} {what}")
    print("  Ctrl+C để dừng / to stop")
    print("=" * 72 + "\n", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tinhso", description="Tỉnh số — digital-province platform")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (("demo", "migrate, load the demo province and serve it"), ("serve", "serve the web UI and API")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8000)
        p.add_argument("--threads", type=int, default=8)
    sub.add_parser("migrate", help="create or upgrade the database schema")
    units = sub.add_parser("units", help="unit registry: import-admin, import FILE, export")
    units_sub = units.add_subparsers(dest="units_command", required=True)
    units_sub.add_parser("import-admin", help="load Vietnam's 34 provinces and 3.321 communes")
    imp = units_sub.add_parser("import", help="import units from CSV/XLSX, all or nothing")
    imp.add_argument("file")
    exp = units_sub.add_parser("export", help="export units to CSV/XLSX")
    exp.add_argument("--output", "-o", default="don-vi.xlsx")
    exp.add_argument("--as-of")
    manage = sub.add_parser("manage", help="run any Django management command")
    manage.add_argument("args", nargs=argparse.REMAINDER)
    args, extra = parser.parse_known_args(argv)

    _setup()
    from django.core.management import call_command

    if args.command == "manage":
        from django.core.management import execute_from_command_line

        execute_from_command_line(["tinhso", *args.args, *extra])
        return 0
    if args.command in ("demo", "migrate"):
        call_command("migrate", interactive=False, verbosity=0)
        print("Cơ sở dữ liệu đã sẵn sàng / database is up to date")
    if args.command == "demo":
        print("Đang nạp dữ liệu mẫu / loading the demo province…", flush=True)
        call_command("load_demo")
        _banner(args.host, args.port)
    if args.command in ("demo", "serve"):
        _serve(args.host, args.port, args.threads)
    if args.command == "units":
        if args.units_command == "import-admin":
            call_command("units_import_admin")
        elif args.units_command == "import":
            call_command("units_import", args.file)
        else:
            call_command("units_export", output=args.output, as_of=args.as_of)
    return 0


if __name__ == "__main__":
    sys.exit(main())
