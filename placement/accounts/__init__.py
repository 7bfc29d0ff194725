"""User accounts without a shell: managing users, invitations, password resets and one's own sessions."""
