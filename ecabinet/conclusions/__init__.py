"""Conclusions of a meeting: the notice drafted by the secretariat, signed by the chair and issued
(numbered, dated, sealed) by the body's clerk."""
