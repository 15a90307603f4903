"""Internal plugins of ``webex.internal``: the WDM device and the Mercury websocket.

They are public in the sense that apps reach them (``webex.internal.mercury.on(...)``),
as in the JS SDK, but their shape may change between releases.
"""
