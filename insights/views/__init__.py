"""Insights' pages, by area: ``home`` (the staff home page: the patient journey's touch points with
their event counts) and ``measures`` (the measures page and its CSV)."""
