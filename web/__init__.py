"""The browser app: page routes, templates and static assets."""
