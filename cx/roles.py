"""Who may do what in the experience toolkit.

The owner and the experience lead edit everything. Every team member sees the moments, their own
recognitions and their own actions (clinicians included); strangers get 404 from ``staff_view``.
"""

from practices.models import Role

EDITORS = frozenset({Role.OWNER, Role.EXPERIENCE_LEAD})
TEAM = frozenset(Role.values)
# Change signals ("what changed"): the editors, and the front desk who makes the calls.
SIGNAL_HANDLERS = EDITORS | {Role.FRONT_DESK}
