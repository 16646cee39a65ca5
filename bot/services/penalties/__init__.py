"""Penalties (处罚): the rules and their amounts (rules.py), finding penalties in the data
(scan.py), and the ledger with notices and appeals (ledger.py).
"""
