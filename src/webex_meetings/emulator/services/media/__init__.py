"""The emulated media server: ROAP over Locus ``/media`` with real WebRTC media (aiortc)."""
