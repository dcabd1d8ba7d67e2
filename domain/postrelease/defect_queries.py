"""Reads of defects and their patterns for the API: batched for DataLoaders, scoped by the BUs
where the caller may read defects (outside that scope reads as absent)."""

from __future__ import annotations

from domain.kernel.access import Resource
from domain.kernel.scoped_reads import readable_by_id, scoped_page
from domain.postrelease import defect_repository as repo

defects = scoped_page(Resource.DEFECT, repo.defects_page)
"""Defects you may read, oldest found first (by service, found since)."""

defects_by_id = readable_by_id(Resource.DEFECT, repo.defects_by_ids)

detected_patterns = scoped_page(Resource.DEFECT, repo.patterns_page)
"""Patterns announced in the BUs where you may read defects, oldest first."""

detected_patterns_by_id = readable_by_id(Resource.DEFECT, repo.patterns_by_ids)
