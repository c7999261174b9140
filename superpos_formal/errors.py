"""The one exception type a user ever sees.

Every problem with user input (a malformed JSON file, an impossible shape, a
bound out of range) is raised as :class:`InputError` with a single line that
names the offending field. The CLI turns it into ``superpos: error: ...`` and
exit status 2; it never shows a traceback for bad input.
"""

__all__ = ["InputError", "SoundnessError"]


class InputError(ValueError):
    """Bad user input: a one-line message naming the field or argument."""


class SoundnessError(RuntimeError):
    """An internal contradiction that would make a result untrustworthy.

    Raised when a solver's answer fails independent checking: a SAT model that
    decodes to a network the exact verifier rejects, a proof a checker
    rejects. It is a bug (in an encoder, a solver or a checker), never a
    result, and it is never caught to produce an answer.
    """
