"""`tinhso` command line.

    tinhso demo | serve | migrate      the main jobs
    tinhso <app> <command> [args]      an app's own command, e.g. `tinhso units import FILE`,
                                       `tinhso transport generate`: runs the management command
                                       `<app>_<command>` (dashes become underscores)
    tinhso manage <django command>     any Django management command
"""

import argparse
import os
import sys


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")
    import django

    django.setup()


def _app_commands() -> dict[str, list[str]]:
    """app label → its `<app>_<command>` management commands, found on disk."""
    from django.conf import settings
    from django.core.management import get_commands

    labels = ["units", *settings.TINHSO_DOMAIN_APPS]
    commands: dict[str, list[str]] = {label: [] for label in labels}
    for name, app in get_commands().items():
        label = app.rsplit(".", 1)[-1]
        if label in commands and name.startswith(f"{label}_"):
            commands[label].append(name.removeprefix(f"{label}_").replace("_", "-"))
    return commands


def _serve(args) -> None:
    from tinhso.core.serving import serve

    serve(args.host, args.port, args.threads, args.connections, args.server, args.workers)


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
    if not settings.TINHSO_2FA_REQUIRED_ROLES:
        print("  Xác thực hai lớp: không bắt buộc trong bản demo (TINHSO_2FA_REQUIRED_ROLES=admin để bật)")
    print("  Ctrl+C để dừng / to stop")
    print("=" * 72 + "\n", flush=True)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["demo"]:
        # The demo's shared logins cannot carry one person's authenticator: no second factor unless asked for.
        os.environ.setdefault("TINHSO_2FA_REQUIRED_ROLES", "")
    _setup()
    from django.core.management import call_command, execute_from_command_line

    app_commands = _app_commands()
    if argv and argv[0] in app_commands:
        label, rest = argv[0], argv[1:]
        if not rest or rest[0] in ("-h", "--help") or rest[0] not in app_commands[label]:
            print(f"usage: tinhso {label} {{{','.join(sorted(app_commands[label]))}}} [args]", file=sys.stderr)
            return 0 if rest and rest[0] in ("-h", "--help") else 2
        execute_from_command_line(["tinhso", f"{label}_{rest[0].replace('-', '_')}", *rest[1:]])
        return 0
    if argv and argv[0] == "manage":
        execute_from_command_line(["tinhso", *argv[1:]])
        return 0

    parser = argparse.ArgumentParser(
        prog="tinhso", description="Tỉnh số — digital-province platform",
        epilog="app commands: " + "; ".join(f"tinhso {label} {{{','.join(sorted(cmds))}}}"
                                            for label, cmds in app_commands.items() if cmds)
        + "; tinhso manage <django command>")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (("demo", "migrate, load the demo province and serve it"), ("serve", "serve the web UI and API")):
        command = sub.add_parser(name, help=text)
        command.add_argument("--host", default="127.0.0.1")
        command.add_argument("--port", type=int, default=8000)
        command.add_argument("--threads", type=int, default=8)
        command.add_argument("--connections", type=int, default=1000, help="open connections at most")
        command.add_argument("--server", choices=("auto", "gunicorn", "waitress"), default="auto",
                             help="auto: gunicorn with several processes on Linux, waitress elsewhere")
        command.add_argument("--workers", type=int, default=0,
                             help="gunicorn worker processes (default TINHSO_WORKERS, else one per core)")
    sub.add_parser("migrate", help="create or upgrade the database schema")
    args = parser.parse_args(argv)

    if args.command in ("demo", "migrate"):
        call_command("migrate", interactive=False, verbosity=0)
        print("Cơ sở dữ liệu đã sẵn sàng / database is up to date")
    if args.command == "demo":
        print("Đang nạp dữ liệu mẫu / loading the demo province…", flush=True)
        call_command("load_demo")
        _banner(args.host, args.port)
    if args.command == "demo" and os.name == "posix":
        # serve from a fresh process: nothing the demo's loading opened (database, DuckDB) reaches forked workers
        sys.stdout.flush()
        os.execv(sys.executable, [sys.executable, "-m", "tinhso.cli", "serve", "--host", args.host, "--port",
                                  str(args.port), "--threads", str(args.threads), "--connections",
                                  str(args.connections), "--server", args.server, "--workers", str(args.workers)])
    if args.command in ("demo", "serve"):
        _serve(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
