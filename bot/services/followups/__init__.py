"""Follow-up visits (回访): the supervisor's call to the customer after a service (calls.py).
"""
