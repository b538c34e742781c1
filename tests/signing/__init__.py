"""Tests of the signing library (no Flask)."""
