"""The terminal app trainees drill in: one client of drill.core (the CLI is the other)."""
