"""Production readiness: what must hold before a change gets production access, and who says so.

Non-functional requirements validated in staging, SRE readiness reviews, data-migration safety,
performance evidence against production-like volumes and downtime notices with their
acknowledgements. Each part keeps its own tables, rules and error codes (`nfr_*`, `review_*`,
`migration_*`, `volume_*`, `notice_*`); the promotion decision reads them through
`readiness.facts`-style batched readers and judges them with their pure rules.
"""
