"""On-site service: the request, the suggestion and the dispatch before a visit (planning.py), and
the visit itself from the engineer's side (visits.py).
"""
