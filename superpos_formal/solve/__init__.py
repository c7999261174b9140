"""Solving: per-process solver runs with hard limits, minimum-size searches,
family loops and counting."""
