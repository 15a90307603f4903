"""Meeting invitees: ``/meetingInvitees`` per meeting series or scheduled meeting."""
