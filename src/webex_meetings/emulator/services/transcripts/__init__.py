"""Transcripts of ended meeting instances: ``/meetingTranscripts`` and their snippets."""
