"""The deadline engine: every obligation with a time limit is a Deadline row. clocks.py starts,
meets, pauses and describes them; policies.py holds the clocks' settings; steps.py computes a
deadline's warnings, breach and escalations; tick.py acts on the due ones.
"""
