"""Share Werkzeug's compiled URL builders between the apps of one test process.

Every test builds its own app, and each app compiles a URL builder per route: Werkzeug writes
the Python source of two functions per rule and compiles it, about 60 ms of CPU per app (most
of `create_app`), paid ~1500 times per `make test`. The code of a builder depends only on the
rule (its text, defaults, trace) and the flag, never on the app: the compiled function reads
its converters from `self` when it is called. So the first app's builders serve the others.

Test-only: production builds one app per process. If Werkzeug renames the method, the tests
run as before, just slower.
"""

from __future__ import annotations

from werkzeug.routing.rules import Rule

_compile = getattr(Rule, "_compile_builder", None)
_builders: dict = {}


def _cached_compile_builder(self, append_unknown: bool = True):
    key = (self.rule, self.subdomain, self.host, self.merge_slashes,
           tuple(sorted((self.defaults or {}).items())), tuple(self._trace),
           tuple((name, type(converter)) for name, converter in self._converters.items()),
           append_unknown)
    try:
        builder = _builders.get(key)
    except TypeError:  # a default that cannot be hashed: compile as Werkzeug does
        return _compile(self, append_unknown)
    if builder is None:
        builder = _builders[key] = _compile(self, append_unknown)
    return builder


def install() -> None:
    if _compile is not None:
        Rule._compile_builder = _cached_compile_builder
