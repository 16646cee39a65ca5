"""Errors a command may raise; each becomes a polite Chinese answer and changes nothing."""
from __future__ import annotations


class UserError(Exception):
    """The person asked for something the rules refuse; the message says why, in Chinese."""


class UsageError(UserError):
    """The words were wrong: the answer adds the command's usage line and example."""


class Forbidden(UserError):
    """The person lacks the role or is not the one the rule names."""


class ConfigError(ValueError):
    """A bad setting or rule table; the Chinese message names the key. Stops the start."""


class MediaError(Exception):
    """A picture or file that could not be downloaded: refused, too big, or gone."""
