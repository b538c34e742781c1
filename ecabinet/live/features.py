"""Import every feature that adds socket events, so that their handlers are registered."""

from ecabinet.annotations import events as annotation_events  # noqa: F401
from ecabinet.invitations import events as invitation_events  # noqa: F401
from ecabinet.live import room_events  # noqa: F401
from ecabinet.voting import events as voting_events  # noqa: F401
