"""Read views that span contexts (the calendar slice, the evidence pack): above every context.

A view composes the contexts' own queries and facts; it holds no tables and no rules of its own
beyond how the parts are put together.
"""
