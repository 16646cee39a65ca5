"""Customer management (客户管理): the archive in chat with its contacts and phones (archive.py,
phones.py), service contracts, renewals and their reminders (contracts.py, jobs.py), and the
provisional customer an unknown caller gets (archive.register_provisional).
"""
