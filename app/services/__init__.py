"""Services: the only code that writes. Keyword-only verbs, imported by module."""
