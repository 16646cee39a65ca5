"""What staff look up: the standard problem library (library.py) and the standard phrases
(phrasebook.py, over phrasebook.toml).
"""
