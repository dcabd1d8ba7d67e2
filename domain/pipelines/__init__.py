"""Pipelines: definitions as code, evidence from CI and CDEvents, promotions, deployments."""
