"""Answers to meeting invitations: attend, decline with a reason, or send a deputy."""
