"""Cards that show the truth: every card with buttons is remembered, and every change of its
object redraws it wherever it was shown (see refresh.py)."""
