"""Importers: turn a JSON document into stakeholders, ties and engagements, all or nothing."""
