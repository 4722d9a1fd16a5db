"""What happens when a patient finishes a survey: their comments are read, a failed experience opens a
service-recovery case, and a promoter may be invited to leave a public review.

(Filled in by the listening work: ``response_completed`` is the one entry point.)
"""


def response_completed(*, response, now=None) -> None:
    """Called inside the transaction that completes ``response``."""
