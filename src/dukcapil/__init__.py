"""Dukcapil Daring: online population administration and civil registration."""
