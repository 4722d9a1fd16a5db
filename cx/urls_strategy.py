"""The experience toolkit's strategy pages (see docs/cx.md)."""

from django.urls import path

from .views import strategy

STAFF = "staff/<slug:practice_slug>/experience/"

urlpatterns = [
    path(STAFF + "strategy/", strategy.strategy, name="strategy"),
    path(STAFF + "strategy/measures/", strategy.measure_catalogue, name="measure_catalogue"),
    path(STAFF + "strategy/reviews/new/", strategy.strategy_review_new, name="strategy_review_new"),
    path(STAFF + "strategy/goals/new/", strategy.goal_new, name="goal_new"),
    path(STAFF + "strategy/goals/<int:pk>/", strategy.goal_detail, name="goal"),
    path(STAFF + "strategy/goals/<int:pk>/edit/", strategy.goal_edit, name="goal_edit"),
    path(STAFF + "strategy/goals/<int:pk>/experiences/add/", strategy.goal_experience_add, name="goal_experience_add"),
    path(STAFF + "strategy/goals/<int:pk>/measures/add/", strategy.goal_measure_add, name="goal_measure_add"),
]
