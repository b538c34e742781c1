"""Why an annotation or an opinion was refused; each with a stable code."""

from __future__ import annotations

from ecabinet.core.errors import EcabinetError


class AnnotationError(EcabinetError):
    code = "annotation_error"
    http_status = 400


class InvalidAnnotation(AnnotationError):
    """The browser sent something that is not an annotation (a field missing or wrong)."""

    code = "invalid_annotation"


class AnnotationTooLarge(AnnotationError):
    code = "annotation_too_large"
    http_status = 413


class StaleVersion(AnnotationError):
    """The annotation names a document version that is no longer the current one."""

    code = "stale_version"
    http_status = 409


class OpinionError(EcabinetError):
    code = "opinion_error"
    http_status = 400


class OpinionsClosed(OpinionError):
    """The meeting is cancelled or finished: opinions are no longer taken."""

    code = "opinions_closed"
    http_status = 409
