"""The deadline engine: every obligation with a time limit is a Deadline row. clocks.py starts,
meets, pauses and describes them; their policies are settings (`settings.clocks`,
bot/rules/clocks.py); steps.py computes a deadline's warnings, breach and escalations; tick.py
acts on the due ones.
"""
