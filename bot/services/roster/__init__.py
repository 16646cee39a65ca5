"""The duty roster: shifts (config.py), who is on which shift (assignments.py), who is on duty now
(duty.py), the CSV/XLSX import (spreadsheet.py), shift start and handover (handover.py), and the
scheduled work of the roster and the penalty ledger (jobs.py).
"""
