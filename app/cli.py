"""The ``stakemap`` command line (SPEC §9)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer
from sqlalchemy import func, select

from app.db import make_engine, session_scope
from app.errors import StakemapError
from app.settings import Settings, get_settings

cli = typer.Typer(help="Stakemap: stakeholder engagement network mapper.", no_args_is_help=True)
db_cli = typer.Typer(help="Database schema.", no_args_is_help=True)
user_cli = typer.Typer(help="User accounts.", no_args_is_help=True)
token_cli = typer.Typer(help="API tokens.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(user_cli, name="user")
member_cli = typer.Typer(help="Partnership members and their roles.", no_args_is_help=True)
cli.add_typer(token_cli, name="token")
cli.add_typer(member_cli, name="member")

DEFAULT_ADMIN = "admin@stakemap.local"


def _engine(settings: Settings | None = None, *, check: bool = True):
    """The database engine; with ``check``, an empty database gets the schema and one that is
    behind is refused with a clear message."""
    s = settings or get_settings()
    engine = make_engine(s.database_url, busy_timeout_ms=s.sqlite_busy_timeout_ms)
    if check:
        _ensure_schema(engine, quiet=True)
    return engine


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=1)


def _ensure_schema(engine, *, quiet: bool = False) -> None:
    """Upgrade an empty database; refuse to run on one that is behind."""
    from app import migrate

    if migrate.is_empty(engine):
        migrate.upgrade(engine)
        if not quiet:
            typer.echo("Created the database schema.")
    elif migrate.current(engine) != migrate.head(engine):
        _fail("the database schema is out of date: run `stakemap db upgrade` first")


@db_cli.command("upgrade")
def db_upgrade():
    """Create or upgrade the schema to the newest version."""
    from app import migrate

    engine = _engine(check=False)
    before = migrate.current(engine)
    migrate.upgrade(engine)
    typer.echo(f"Database at revision {migrate.current(engine)} (was {before or 'empty'}).")


@db_cli.command("current")
def db_current():
    """Print the schema revision."""
    from app import migrate

    engine = _engine(check=False)
    typer.echo(f"{migrate.current(engine) or 'empty'} (newest: {migrate.head(engine)})")


@user_cli.command("create")
def user_create(
    email: str,
    admin: bool = typer.Option(False, "--admin", help="A site admin sees every partnership."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read a password (12+ characters) from standard input."
    ),
):
    """Create a user account."""
    from app.services import users

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    engine = _engine()
    try:
        with session_scope(engine, actor="cli") as session:
            user = users.create_user(
                session=session, email=email, password=password, is_admin=admin
            )
            typer.echo(f"Created user {user.id} <{user.email}>{' (admin)' if admin else ''}.")
    except StakemapError as exc:
        _fail(str(exc))


@token_cli.command("create")
def token_create(
    email: str,
    name: str = typer.Option("", help="A label for the token."),
    read_only: bool = typer.Option(False, "--read-only", help="Allow reads only."),
    expires_days: int | None = typer.Option(None, "--expires-days", min=1),
):
    """Create an API token for a user and print it (it is shown only once)."""
    from app.services import users

    engine = _engine()
    try:
        with session_scope(engine, actor="cli") as session:
            user = users.get_by_email(session=session, email=email)
            token, secret = users.create_token(
                session=session,
                user=user,
                name=name,
                read_only=read_only,
                expires_days=expires_days,
            )
            token_id = token.id
    except StakemapError as exc:
        _fail(str(exc))
    typer.echo(f"# token {token_id} for {email}; store it now, it is not shown again", err=True)
    typer.echo(secret)


@token_cli.command("revoke")
def token_revoke(token_id: int):
    """Revoke a token by its id; it stops working at once."""
    from app.services import users

    try:
        with session_scope(_engine(), actor="cli") as session:
            users.revoke_token(session=session, token_id=token_id)
    except StakemapError as exc:
        _fail(str(exc))
    typer.echo(f"Revoked token {token_id}.")


@user_cli.command("link")
def user_link(email: str):
    """Print a one-time sign-in link for a user (e.g. someone just added as a member)."""
    from app.services import users

    settings = get_settings()
    try:
        with session_scope(_engine(settings), actor="cli") as session:
            user = users.get_by_email(session=session, email=email)
            secret = users.create_login_link(
                session=session, user=user, minutes=settings.login_link_minutes
            )
    except StakemapError as exc:
        _fail(str(exc))
    typer.echo(f"{settings.base_url.rstrip('/')}/login/link/{secret}")


@member_cli.command("list")
def member_list(partnership: int = typer.Option(..., "--partnership", help="Partnership id.")):
    """List a partnership's members and roles."""
    from app.services import members

    with session_scope(_engine(), write=False) as session:
        for m, u in members.page(session=session, partnership_id=partnership):
            typer.echo(f"{u.id}\t{m.role}\t{u.email}")


@member_cli.command("add")
def member_add(
    email: str,
    partnership: int = typer.Option(..., "--partnership", help="Partnership id."),
    role: str = typer.Option("viewer", help="viewer, editor or owner."),
):
    """Add a member (an unknown email gets an account without a password)."""
    from app.enums import Role
    from app.services import members
    from app.tables import Partnership

    if role not in {r.value for r in Role}:
        _fail(f"role must be viewer, editor or owner, not {role!r}")
    try:
        with session_scope(_engine(), actor="cli") as session:
            if session.get(Partnership, partnership) is None:
                _fail(f"no partnership {partnership}")
            m, u, created = members.add(
                session=session, partnership_id=partnership, email=email, role=Role(role)
            )
            note = " (new account: give them `stakemap user link`)" if created else ""
            typer.echo(f"{u.email} is now {m.role} of partnership {partnership}{note}.")
    except StakemapError as exc:
        _fail(str(exc))


@member_cli.command("remove")
def member_remove(
    email: str, partnership: int = typer.Option(..., "--partnership", help="Partnership id.")
):
    """Remove a member; the last owner cannot be removed."""
    from app.services import members, users

    try:
        with session_scope(_engine(), actor="cli") as session:
            u = users.get_by_email(session=session, email=email)
            members.remove(session=session, partnership_id=partnership, user_id=u.id)
    except StakemapError as exc:
        _fail(str(exc))
    typer.echo(f"Removed {email} from partnership {partnership}.")


def _first_admin(session):
    from app.auth import Principal
    from app.tables import User

    user = (
        session.execute(
            select(User).where(User.is_admin.is_(True)).order_by(User.id)
        ).scalar_one_or_none()
        if False
        else session.execute(
            select(User).where(User.is_admin.is_(True)).order_by(User.id).limit(1)
        ).scalar_one_or_none()
    )
    if user is None:
        return None
    return Principal(user_id=user.id, email=user.email, is_admin=True)


def _load_demo(engine, owner_email: str | None = None) -> int:
    from app.auth import Principal
    from app.demo import load_demo
    from app.services import users

    with session_scope(engine, actor="cli") as session:
        if owner_email:
            u = users.get_by_email(session=session, email=owner_email)
            owner = Principal(user_id=u.id, email=u.email, is_admin=u.is_admin)
        else:
            owner = _first_admin(session)
            if owner is None:
                u = users.create_user(session=session, email=DEFAULT_ADMIN, is_admin=True)
                owner = Principal(user_id=u.id, email=u.email, is_admin=True)
        p = load_demo(session=session, owner=owner)
        return p.id


@cli.command("demo")
def demo(
    owner: str | None = typer.Option(None, "--owner", help="Email of the user who will own it."),
):
    """Load the demo partnership from data/demo.json."""
    engine = _engine()
    try:
        pid = _load_demo(engine, owner)
    except (StakemapError, FileNotFoundError) as exc:
        _fail(str(exc))
    typer.echo(f"Loaded the demo partnership as partnership {pid}.")


@cli.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(1, min=1, help="Worker processes."),
    demo: bool = typer.Option(False, "--demo", help="Load the demo if there is no partnership."),
):
    """Run the web service (the browser app and /api/v1)."""
    import uvicorn

    settings = get_settings()
    engine = _engine(settings, check=False)
    _ensure_schema(engine)
    for line in first_run(engine, settings, host=host, port=port, demo=demo):
        typer.echo(line)
    engine.dispose()
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        # Behind a trusted proxy, the client address (used by the sign-in rate limit) and the
        # scheme (for Secure cookies) come from X-Forwarded-For and X-Forwarded-Proto.
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )


def first_run(engine, settings: Settings, *, host: str, port: int, demo: bool) -> list[str]:
    """On an empty database, create the admin and a one-time sign-in link; maybe load the demo.

    Returns the lines to print.
    """
    from app.services import users
    from app.tables import Partnership

    lines = []
    with session_scope(engine, actor="cli") as session:
        if users.count(session=session) == 0:
            admin = users.create_user(session=session, email=DEFAULT_ADMIN, is_admin=True)
            secret = users.create_login_link(
                session=session, user=admin, minutes=settings.login_link_minutes
            )
            base = settings.base_url.rstrip("/")
            if "STAKEMAP_BASE_URL" not in os.environ:
                shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
                base = f"http://{shown}:{port}"
            lines.append(f"Created the admin account {DEFAULT_ADMIN}.")
            lines.append(f"Sign in once with: {base}/login/link/{secret}")
    if demo:
        with session_scope(engine, write=False) as session:
            has_any = session.execute(select(func.count()).select_from(Partnership)).scalar_one()
        if not has_any:
            pid = _load_demo(engine)
            lines.append(f"Loaded the demo partnership (id {pid}).")
    return lines


@cli.command("import")
def import_file(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="The JSON document."),
    partnership: int = typer.Option(..., "--partnership", help="Partnership id."),
    fmt: str | None = typer.Option(
        None, "--format", help="stakemap, kumu, salesforce or hubspot (detected when omitted)."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Report the changes; write nothing."),
):
    """Import a JSON document into a partnership, all or nothing; print the report as JSON.

    On any problem, print every problem located in the document and exit with code 1.
    """
    import json

    from tqdm import tqdm

    from app.errors import Invalid
    from app.importers import import_document
    from app.importers.document import load_json
    from app.tables import Partnership

    engine = _engine()
    bar = tqdm(total=None, desc="reading", unit=" records", file=sys.stderr)

    def progress(phase: str, done: int, total: int) -> None:
        bar.total = total
        bar.set_description(phase, refresh=False)
        bar.update(done - bar.n)

    try:
        doc = load_json(file.read_bytes())
        with session_scope(engine, actor="cli") as session:
            if session.get(Partnership, partnership) is None:
                bar.close()
                _fail(f"no partnership {partnership}")
            report = import_document(
                session=session,
                partnership_id=partnership,
                fmt=fmt,
                doc=doc,
                dry_run=dry_run,
                progress=progress,
            )
    except Invalid as exc:
        bar.close()
        problems = [p.as_dict() for p in exc.problems]
        for p in problems:
            if p["loc"][:1] == ["query"]:
                p["loc"] = ["--" + str(p["loc"][-1])]
        typer.echo(json.dumps({"detail": problems}, indent=2, ensure_ascii=False))
        typer.echo(f"error: {len(problems)} problem(s) in {file}; nothing was imported", err=True)
        raise typer.Exit(code=1) from None
    bar.close()
    typer.echo(json.dumps(report.as_dict(dry_run=dry_run), indent=2, ensure_ascii=False))


@cli.command("export")
def export_file(
    partnership: int = typer.Option(..., "--partnership", help="Partnership id."),
    fmt: str = typer.Option(
        "stakemap", "--format", help="stakemap, graphml, gexf, csv (a zip) or node-link."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", dir_okay=False, help="Write here (default: standard output)."
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Tie strengths as on this date, YYYY-MM-DD (graph formats)."
    ),
):
    """Export a partnership as native JSON, GraphML, GEXF, a zip of CSV files, or node-link."""
    from datetime import date

    from app.exporters import FORMATS, export
    from app.tables import Partnership

    if fmt not in FORMATS:
        _fail(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        _fail(f"--as-of {as_of!r} is not a date YYYY-MM-DD")
    with session_scope(_engine(), write=False) as session:
        p = session.get(Partnership, partnership)
        if p is None:
            _fail(f"no partnership {partnership}")
        out = export(session=session, partnership=p, fmt=fmt, as_of=day)
    if output is None:
        typer.echo(out.content, nl=False)
    else:
        output.write_bytes(out.content)
        typer.echo(f"Wrote {output} ({len(out.content):,} bytes).", err=True)


@cli.command("backup")
def backup_cmd(
    file: str = typer.Argument(
        ..., help="Where to write: a file (gzip-compressed when it ends .gz), or - for stdout."
    ),
):
    """Back up every partnership, user, membership and the audit log as versioned JSON.

    The file holds password and token hashes and personal data: it is readable by its owner only.
    """
    from app.backup import BackupError, backup_to

    engine = _engine()
    try:
        summary = backup_to(engine, file, stdout=sys.stdout)
    except BackupError as exc:
        _fail(str(exc))
    where = "standard output" if file == "-" else file
    typer.echo(f"Backed up {summary.describe()} to {where}.", err=True)


@cli.command("restore")
def restore_cmd(
    file: str = typer.Argument(..., help="A backup file (plain or gzip), or - for stdin."),
):
    """Restore a backup into an EMPTY database (created when absent), all or nothing.

    Ids are kept, so API URLs stay valid. A database that holds anything is refused.
    """
    from app.backup import BackupError, restore_from

    engine = _engine(check=False)
    try:
        summary = restore_from(engine, file, stdin=sys.stdin.buffer, actor="cli")
    except BackupError as exc:
        _fail(f"{exc}; nothing was restored")
    typer.echo(
        f"Restored {summary.describe()} from a backup made {summary.created_at} "
        f"(schema {summary.schema_revision})."
    )


def main() -> None:
    cli()
