"""Pure network analysis for Stakemap (SPEC §3–§6).

Only networkx, the compiled engine behind it (igraph) and the standard library are imported here: no
web framework, ORM or application code. Functions take plain records or an ``AnalyticGraph`` and
return plain data keyed by stakeholder id.
"""
