"""First visit (首访, S) [000, 001]: sales submits a new customer, the service desk phones within
its clock (calls.py), tells the customer the checklist, records needs per department, and each
department head gets the day's needs after work (needs.py; scheduled with the customer jobs).
"""
