"""Access: signing up (an application and its applicant's account), signing in by password or emailed
link, bearer tokens, passwords, and a member's staff and their invitations."""
