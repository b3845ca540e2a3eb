"""Signing in: the second factor for staff, session lifetimes per role, signing
out everywhere (with ``mentoring.middleware``)."""
