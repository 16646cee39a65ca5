"""Hotline tickets: the ticket's life from intake to close (lifecycle.py), what happens between
claim and solution (handling.py: transfers, callback and consultation clocks, escalation to HQ), repeated
requests (duplicates.py) and the service modes a customer is offered (service_modes.py).
"""
