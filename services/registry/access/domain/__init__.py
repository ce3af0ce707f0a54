"""Access rules, pure: emailed links, password hashing, and who acts for a member.

No database or network here; hashing and signing are computation only.
"""
