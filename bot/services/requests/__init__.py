"""Customers' written requests [002 §5, §8]: program change requests R (changes.py), sensitive
requests M and the access they grant to sensitive knowledge (sensitive.py), the stamped
application and its paper archive shared by both (papers.py), and how they read (views.py).
"""
