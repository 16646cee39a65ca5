"""Reports of the center: the daily digest (daily.py), the monthly complaint analysis and
follow-up reports (monthly.py) with their PNG charts (charts.py) and XLSX registers
(workbook.py), queued by publish.py; settings in config.py, texts in texts.py.

Kept empty of imports so that reading the configuration does not load matplotlib.
"""
