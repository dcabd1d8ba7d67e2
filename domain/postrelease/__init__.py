"""Post-release validation and feedback loops: what happens after a change reaches production.

Synthetic journeys run after each production deployment (`journey_*`), the 24-hour
post-release review from real metrics, signals and feedback (`review_*`, `feedback_*`,
`signal_*`), incidents attributed to the change that most likely caused them and blameless
post-mortems whose action items are verified against the controls they change
(`attribution_*`, `postmortem_*`), and defect patterns exported to planning (`defect_*`).
Each part keeps its own tables, rules and error codes. The context sits above pipelines: it
reads deployments, incidents, flag changes and the rollback decision through their facts and
use cases, and nothing below it knows it exists (the housekeeping sweep and the API call it).
"""
