"""Feedback's writes, one module per area.

- ``surveys``: the shipped templates as rows, each practice's copies, their versions and questions.
- ``responses``: a patient's answers: open the response, save answers, complete it.
- ``invitations``: asking patients for feedback after the journey events that trigger a survey.
- ``listening``: what a completed response sets off (comment readings, recovery case, review
  invitation), corrections of a comment's reading, review sites and the settings.
- ``recovery``: service-recovery cases, from opening to a closed case with an outcome.
"""
