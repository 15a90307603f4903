"""Meeting preferences: ``/meetingPreferences``, kept per user."""
