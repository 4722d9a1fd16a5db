"""Feedback's reads, one module per area, each scoped by practice.

- ``surveys``: the survey editor's lists and pages, and a response's saved answers.
- ``invitations``: the trigger events still waiting for an invitation, and the cooldown.
- ``scores``: the scored answers, question wording and invitation counts behind the scores page.
- ``listening``: survey responses with their comments, comment readings, review sites, settings.
- ``recovery``: service-recovery cases, their history, and who may be given one.
"""
