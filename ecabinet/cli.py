"""Operator commands: `ecabinet --help` lists them; `flask --app wsgi` offers the same."""

from __future__ import annotations

import os
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext


def _create_app():
    from ecabinet import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False,
             add_version_option=False)
def cli():
    """eCabinet: paperless meetings for People's Committees.

    Configuration comes from the environment (DATABASE_URL, REDIS_URL, SECRET_KEY,
    ECABINET_INSTANCE, SMTP_*); see the README.
    """


@cli.command("run")
@click.option("--host", default=lambda: os.environ.get("HOST", "127.0.0.1"),
              show_default="127.0.0.1 or $HOST")
@click.option("--port", type=int, default=lambda: int(os.environ.get("PORT", "5000")),
              show_default="5000 or $PORT")
@with_appcontext
def run_command(host: str, port: int):
    """Start the web and websocket server (gevent)."""
    from ecabinet import server

    click.echo(f"eCabinet: http://{host}:{port}/  (database: {_safe_db_url()})")
    if os.environ.get("ECABINET_PASSWORD_HASH"):
        click.echo("Warning: ECABINET_PASSWORD_HASH is set: passwords are hashed with test "
                   "costs. Never in production.", err=True)
    server.run(current_app._get_current_object(), host, port)


def _safe_db_url() -> str:
    from sqlalchemy.engine import make_url

    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).render_as_string(
        hide_password=True)


class _MigrationCommands(click.Group):
    """`db …`: Flask-Migrate's commands, loaded when one is asked for, so that a server
    (`ecabinet run` comes through this module) does not hold Alembic, Mako and Pygments."""

    def _commands(self) -> click.Group:
        from flask_migrate.cli import db

        return db

    def make_context(self, info_name, args, parent=None, **extra):
        # the context is Flask-Migrate's group's own: its options, its callback, its commands
        return self._commands().make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx) -> list[str]:
        return self._commands().list_commands(ctx)

    def get_command(self, ctx, name: str):
        return self._commands().get_command(ctx, name)


cli.add_command(_MigrationCommands("db", help="Perform database migrations."), "db")


@cli.command("demo-data")
@click.option("--if-empty", is_flag=True, help="Do nothing (but list the logins) when data exists.")
@with_appcontext
def demo_data_command(if_empty: bool):
    """Load the demo province, its wards, users and meetings into an empty database."""
    from ecabinet.conclusions.keys import demo_keys_text
    from ecabinet.demo import data as demo

    password = current_app.config["DEMO_PASSWORD"]
    if not demo.database_is_empty():
        if demo.has_demo_accounts():
            click.echo(demo.logins_text(password))
            click.echo(demo_keys_text())
        if if_empty:
            click.echo("The database already holds data; demo data was not loaded.")
            return
        click.echo("Refused: the database is not empty; demo data only goes into an empty one.",
                   err=True)
        sys.exit(1)
    demo.load(password)
    click.echo(demo.logins_text(password))
    click.echo(demo_keys_text())


@cli.command("create-user")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="Full name, e.g. 'Nguyễn Văn An'.")
@click.option("--email", default="")
@click.option("--admin", is_flag=True, help="Give the administrator role.")
@click.password_option(help="Asked when not given.")
@with_appcontext
def create_user_command(username, full_name, email, admin, password):
    """Create an account (optionally an administrator)."""
    from ecabinet.accounts import service
    from ecabinet.accounts.models import RoleKind
    from ecabinet.core.errors import EcabinetError

    grants = [service.RoleGrant(RoleKind.ADMIN)] if admin else []
    try:
        user = service.create_user(service.UserData(username=username, full_name=full_name,
                                                    email=email), password, grants, actor=None)
    except EcabinetError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(f"Created {user.username}.")


@cli.command("set-password")
@click.argument("username")
@click.password_option(help="Asked when not given.")
@with_appcontext
def set_password_command(username, password):
    """Set a user's password and sign them out everywhere."""
    from ecabinet.accounts import service
    from ecabinet.core.errors import EcabinetError

    user = service.find_user(username)
    if user is None:
        raise click.ClickException(f"No user named {username}.")
    try:
        service.set_password(user, password, actor=None)
    except EcabinetError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(f"Password of {user.username} changed; their sessions were ended.")


@cli.group("audit")
def audit_group():
    """Audit log commands."""


@audit_group.command("verify")
@with_appcontext
def audit_verify_command():
    """Check the hash chain; exit 1 naming the first changed, removed or reordered entry."""
    from ecabinet.audit.service import verify_chain

    report = verify_chain()
    if report.ok:
        click.echo(f"Audit log intact: {report.checked} entries.")
        return
    click.echo(f"Audit log BROKEN: {report.problem}.", err=True)
    sys.exit(1)


@cli.group("storage")
def storage_group():
    """Stored files (encrypted at rest)."""


@storage_group.command("migrate")
@with_appcontext
def storage_migrate_command():
    """Rewrite every stored file still in the old whole-file format in the segmented one,
    so that large scans open at once (opening a file does it lazily, one at a time)."""
    from ecabinet.documents import storage

    try:
        migrated = storage.migrate_files()
    except storage.StorageError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Stored files rewritten in the segmented format: {migrated}.")


@cli.group("poll")
def poll_group():
    """Poll commands."""


@poll_group.command("verify")
@click.argument("poll_id", type=int)
@with_appcontext
def poll_verify_command(poll_id):
    """Recompute a closed poll's counts and hash chain from its stored ballots; exit 1 on
    any difference from the stored result or the audit log."""
    from ecabinet.core.errors import EcabinetError
    from ecabinet.voting.service import get_poll
    from ecabinet.voting.verify import verify_poll

    try:
        report = verify_poll(get_poll(poll_id))
    except EcabinetError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(f"Poll {poll_id}: {report.ballots} ballots, counts {list(report.counts)}, "
               f"chain head {report.chain_head}.")
    if report.ok:
        click.echo("Result and chain verified.")
        return
    for problem in report.problems:
        click.echo(f"MISMATCH: {problem}", err=True)
    sys.exit(1)


@cli.group("conclusions")
def conclusions_group():
    """Conclusion notices."""


@conclusions_group.command("verify-record", with_appcontext=False)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--trust", "trust", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="PEM file of trusted roots (repeatable); default: the server's.")
@click.pass_context
def conclusions_verify_record_command(ctx, file, trust):
    """Check a notice's signatures, then rebuild each poll of its embedded meeting record
    (counts, hash chain, outcome) from the record alone; exit 1 on any problem."""
    from pathlib import Path

    from cryptography import x509

    from ecabinet.conclusions.record_verify import verify_record_file

    if trust:
        roots = [c for p in trust for c in x509.load_pem_x509_certificates(Path(p).read_bytes())]
    else:
        from flask.cli import ScriptInfo

        from ecabinet.conclusions.keys import trust_roots

        with ctx.ensure_object(ScriptInfo).load_app().app_context():
            roots = trust_roots()
    report = verify_record_file(Path(file).read_bytes(), roots)
    click.echo(f"{file}: {len(report.signatures)} signatures")
    for signature in report.signatures:
        state = "ok" if signature.ok else ", ".join(signature.problems)
        click.echo(f"  {signature.field}: {signature.signer} — {state}")
    for poll in report.polls:
        how = "chain rebuilt" if poll.chain_checked else "secret: as recorded"
        click.echo(f"  poll {poll.poll_id}: {poll.ballots} receipts, counts {list(poll.counts)}, "
                   f"head {poll.chain_head[:16]}… ({how})")
    for note in report.notes:
        click.echo(f"  note: {note}")
    if report.ok:
        click.echo("VALID: signatures intact and trusted; every poll matches its receipts.")
        return
    for problem in report.problems:
        click.echo(f"PROBLEM: {problem}")
    sys.exit(1)


@cli.command("check-pdf", with_appcontext=False)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--lang", type=click.Choice(["vi", "en"]),
              default=lambda: os.environ.get("ECABINET_LANG", "vi"), show_default="vi")
def check_pdf_command(files, lang):
    """Check PDFs as an upload is checked: one line per file; exit 0 only if all pass."""
    sys.exit(check_pdfs(files, lang))


def check_pdfs(paths, lang: str = "vi", *, out=None) -> int:
    """Print one line per file in `lang` (through the Babel catalogue); 0 only if all pass."""
    from pathlib import Path

    from babel.support import Translations

    from ecabinet.documents.pdfcheck import ACTIVE_KIND_LABELS, REASON_MESSAGES, validate_pdf

    catalogue = Translations.load(str(Path(__file__).parent / "translations"), [lang])
    _, ngettext = catalogue.gettext, catalogue.ngettext
    status = 0
    for path in paths:
        try:
            result = validate_pdf(path)
        except OSError as exc:
            click.echo(_("%(path)s: REFUSED [unreadable] %(reason)s")
                       % {"path": path, "reason": exc.strerror or exc}, file=out)
            status = 1
            continue
        pages = result.page_count or 0
        if result.ok:
            click.echo(ngettext("%(path)s: OK (%(num)d page)", "%(path)s: OK (%(num)d pages)",
                                pages) % {"path": path, "num": pages}, file=out)
            continue
        status = 1
        line = _("%(path)s: REFUSED [%(code)s] %(reason)s") % {
            "path": path, "code": result.reason, "reason": _(REASON_MESSAGES[result.reason])}
        if result.found:
            line += " (" + ", ".join(_(ACTIVE_KIND_LABELS[k]) for k in result.found) + ")"
        elif pages:
            line += " (" + ngettext("%(num)d page", "%(num)d pages", pages) % {"num": pages} + ")"
        click.echo(line, file=out)
    return status


@cli.command("issue-cert", with_appcontext=False)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder for root-ca.pem and USERNAME.p12 (an existing root is reused).")
@click.option("--user", "username", required=True, help="Whose certificate (or the seal's name).")
@click.option("--passphrase", default=None, help="Protects the .p12; asked for nowhere else.")
@click.option("--seal", "seal_body", default=None, metavar="BODY",
              help="Make an organisation (seal) certificate for BODY instead.")
def issue_cert_command(out_dir, username, passphrase, seal_body):
    """Issue a development certificate (demo and tests only, never production)."""
    from pathlib import Path

    from signing import devca
    from signing.errors import SigningError
    from signing.messages import message

    try:
        path = devca.issue_user_certificate(
            Path(out_dir), username, passphrase.encode() if passphrase else None, seal_body)
    except SigningError as error:
        lang = os.environ.get("ECABINET_LANG", "vi")
        raise click.ClickException(message(error.code, lang, detail=error.detail)) from None
    click.echo(f"{Path(out_dir) / 'root-ca.pem'}\n{path}")


@cli.command("mail-catcher")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=lambda: int(os.environ.get("MAIL_CATCHER_PORT", "1025")),
              show_default="1025 or $MAIL_CATCHER_PORT")
@with_appcontext
def mail_catcher_command(host: str, port: int):
    """Run a local SMTP server that keeps every mail for /admin/mail; nothing leaves."""
    import signal
    import threading

    from ecabinet.notify.catcher import maildir_path, start_catcher

    app = current_app._get_current_object()
    try:
        controller = start_catcher(maildir_path(app), host, port)
    except OSError as error:
        raise click.ClickException(f"The mail catcher cannot listen on {host}:{port}: "
                                   f"{error}") from None
    click.echo(f"Mail goes to the local catcher (SMTP {host}:{port}); read it at "
               f"{app.config['PUBLIC_URL']}/admin/mail as an administrator.")
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


@cli.command("worker")
@click.option("--workers", type=int, default=None,
              help="Delivery threads (default 4, or $ECABINET_HUEY_WORKERS).")
@with_appcontext
def worker_command(workers):
    """Run the background worker (mail delivery with retries) until stopped."""
    import logging

    from ecabinet.documents.packet_tasks import register_tasks
    from ecabinet.notify.queue import run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    config = current_app.config
    click.echo(f"Worker: mail goes to the SMTP server at {config['MAIL_SERVER']}:"
               f"{config['MAIL_PORT']}.")
    register_tasks(current_app._get_current_object())  # packet builds
    run_worker(current_app._get_current_object(), workers)


def init_app(app) -> None:
    """Make the same commands available under `flask --app wsgi`."""
    for name, command in cli.commands.items():
        if name not in app.cli.commands:
            app.cli.add_command(command, name)
