"""Meeting info (``wbxappapi``): destination lookup, password, captcha, permission tokens."""
