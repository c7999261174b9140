"""Bounds: the counting check and the paper's asymptotics (:mod:`.counting`),
explicit non-asymptotic lower bounds (:mod:`.explicit`) and the check of
every committed minimum against them (:mod:`.scan`)."""

from .counting import *  # noqa: F401,F403
from .counting import __all__ as _counting_all
from .explicit import *  # noqa: F401,F403
from .explicit import __all__ as _explicit_all
from .scan import *  # noqa: F401,F403
from .scan import __all__ as _scan_all

__all__ = list(_counting_all) + list(_explicit_all) + list(_scan_all)
