"""Reads of source changes for the API: batched for DataLoaders, scoped by the BUs where the
caller may read them (outside that scope reads as absent)."""

from __future__ import annotations

from domain.insights import source_repository as repo
from domain.kernel.access import Resource
from domain.kernel.scoped_reads import readable_groups

commits_of_entries = readable_groups(Resource.SOURCE_CHANGE, repo.commits_of_entries)
"""The commits behind each change-ledger entry you may read the commits of, by entry id."""
