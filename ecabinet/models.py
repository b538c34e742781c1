"""Every feature's models, imported in one place so that Alembic and SQLAlchemy see them all."""

from ecabinet.accounts import models as accounts  # noqa: F401
from ecabinet.annotations import models as annotations  # noqa: F401
from ecabinet.audit import models as audit  # noqa: F401
from ecabinet.conclusions import models as conclusions  # noqa: F401
from ecabinet.documents import models as documents  # noqa: F401
from ecabinet.documents import packet_models as packets  # noqa: F401
from ecabinet.invitations import models as invitations  # noqa: F401
from ecabinet.live import models as live  # noqa: F401
from ecabinet.meetings import models as meetings  # noqa: F401
from ecabinet.meetings import rules_models as meeting_rules  # noqa: F401
from ecabinet.notify import models as notify  # noqa: F401
from ecabinet.voting import models as voting  # noqa: F401
