"""The people of the center: finding staff and customers from what someone typed (lookup.py), and
importing them from the spreadsheets a center keeps (imports.py).
"""
