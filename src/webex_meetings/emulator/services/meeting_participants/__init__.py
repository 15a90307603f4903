"""Meeting participants: ``/meetingParticipants`` of meeting instances and their Locus roster."""
