"""Polls of a live meeting: who may vote, one ballot each, receipts, a verifiable result."""
