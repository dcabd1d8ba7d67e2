"""Production support rotations: who is on shift for a team, and who watches a release.

Per team, a rotation (members in order, hand-over time and zone, shift length) generates its
shifts; swaps are recorded with a reason; a production release gets the member on shift and,
by rule, one of its authors as secondary for its first 24 hours. It sits above governance (it
reads releases and their authors) and below the calendar (whose feed shows the shifts).
"""
