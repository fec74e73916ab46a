"""Shared test fixtures: named personas and small ``make_*`` helpers live in app conftests."""
