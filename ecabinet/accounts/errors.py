"""Typed refusals of the accounts service."""

from ecabinet.core.errors import EcabinetError


class AccountError(EcabinetError):
    code = "account_error"


class WeakPassword(AccountError):
    code = "weak_password"


class DuplicateUsername(AccountError):
    code = "duplicate_username"


class DuplicateUnitCode(AccountError):
    code = "duplicate_unit_code"


class InvalidUnitTree(AccountError):
    code = "invalid_unit_tree"


class InvalidRole(AccountError):
    code = "invalid_role"


class SignInRefused(AccountError):
    code = "sign_in_refused"
    http_status = 401


class TooManyAttempts(AccountError):
    code = "too_many_attempts"
    http_status = 429
