"""stub"""

from app.importers.plan import Plan


def looks_like(doc) -> bool:
    return False


def read(doc, known) -> Plan:
    return Plan()
