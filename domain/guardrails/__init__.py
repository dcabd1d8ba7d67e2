"""Guardrails: the RMO's core set, BU sets that only tighten it, tier profiles, onboarding."""
