"""eCabinet: paperless meetings for People's Committees.

Heavy imports stay inside create_app() so that `ecabinet run` can patch the standard
library for gevent before Flask and its friends are loaded.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None):
    """Build the application: settings, extensions, blueprints, socket namespace, error pages."""
    from flask import Flask

    from ecabinet import config as settings
    from ecabinet.server import init_socketio

    folder = Path((config or {}).get("INSTANCE_PATH") or settings.instance_path())
    folder.mkdir(parents=True, exist_ok=True)
    app = Flask(
        __name__,
        instance_path=str(folder),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(settings.Defaults)
    app.config.update({k: v for k, v in settings.from_environment(folder).items()
                       if v is not None})
    app.config.update(config or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.load_secret_key(folder)

    import ecabinet.models  # noqa: F401 - register every table before anything queries
    from ecabinet.extensions import babel, csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"),
                     render_as_batch=True)
    csrf.init_app(app)

    from ecabinet.core import database, error_pages, i18n, security

    database.init_app(app)
    i18n.init_app(app, babel)
    security.init_app(app)
    error_pages.init_app(app)

    from ecabinet.accounts.auth import init_login

    init_login(app, login_manager)

    from ecabinet.accounts.admin_views import bp as admin_bp
    from ecabinet.accounts.views import bp as accounts_bp
    from ecabinet.audit.views import bp as audit_bp
    from ecabinet.core.health import bp as health_bp
    from ecabinet.documents.views import bp as documents_bp
    from ecabinet.meetings.agenda_views import bp as agenda_bp
    from ecabinet.meetings.views import bp as meetings_bp
    from ecabinet.notify.views import bp as notify_bp

    for blueprint in (health_bp, accounts_bp, admin_bp, audit_bp, meetings_bp, agenda_bp,
                      documents_bp, notify_bp):
        app.register_blueprint(blueprint)

    from ecabinet.live.views import bp as live_bp
    from ecabinet.voting.views import bp as polls_bp

    app.register_blueprint(live_bp)
    app.register_blueprint(polls_bp)
    from ecabinet.meetings.list_views import bp as meeting_list_bp
    from ecabinet.meetings.rules_views import bp as meeting_rules_bp

    app.register_blueprint(meeting_list_bp)
    app.register_blueprint(meeting_rules_bp)
    from ecabinet.documents.packet_views import bp as packets_bp

    app.register_blueprint(packets_bp)
    from ecabinet.notify.catcher_views import bp as mail_catcher_bp

    app.register_blueprint(mail_catcher_bp)
    from ecabinet.invitations.views import bp as invitations_bp

    app.register_blueprint(invitations_bp)
    from ecabinet.conclusions.views import bp as conclusions_bp

    app.register_blueprint(conclusions_bp)
    from ecabinet.annotations.opinion_views import bp as opinions_bp
    from ecabinet.annotations.views import bp as annotations_bp

    app.register_blueprint(annotations_bp)
    app.register_blueprint(opinions_bp)
    import ecabinet.live.features  # noqa: F401 - registers the room's and votes' socket events

    init_socketio(app)
    from ecabinet import cli

    cli.init_app(app)
    return app
