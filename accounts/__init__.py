"""Sign-in security: two-factor authentication for staff, session lifetimes
per role, and signing out everywhere (issue 13)."""
