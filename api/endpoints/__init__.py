"""Machine endpoints, one module each, where an ecosystem standard already exists (CDEvents,
OFREP, iCalendar, Alertmanager, Argo Rollouts' web metric), plus CI's decisions, evidence
packs, health, the component bundle and the demo portal. `api.app` assembles their routes;
every one that writes goes through `api.endpoints.writes`."""
