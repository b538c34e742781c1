"""Extension objects, created unbound here and bound to the app in create_app()."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from ecabinet.core.models import Base


class LazyMigrate:
    """Flask-Migrate, bound to the app when a migration first needs it: importing it loads
    Alembic, Mako and Pygments (11 MB), which a serving process never uses."""

    def init_app(self, app, db, **options) -> None:
        app.extensions["migrate"] = _PendingMigrate(app, db, options)


class _PendingMigrate:
    """``app.extensions["migrate"]`` until something (``flask_migrate.upgrade``, the
    migrations' env.py) reads it: then the real one is made, and takes its place."""

    def __init__(self, app, db, options: dict):
        self.app, self.db, self.options, self.real = app, db, options, None

    def __getattr__(self, name: str):
        if self.real is None:
            from flask_migrate import Migrate

            Migrate(self.app, self.db, **self.options)  # sets app.extensions["migrate"]
            self.real = self.app.extensions["migrate"]
        return getattr(self.real, name)


db = SQLAlchemy(model_class=Base)
migrate = LazyMigrate()
socketio = SocketIO()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
