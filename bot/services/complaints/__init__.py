"""Complaints (投诉): registration, confirmation, response, verification, archive and escalation
(procedure.py), and what people see of them (views.py).
"""
