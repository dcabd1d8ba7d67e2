"""Risk: the versioned scoring model, assessments with explanations, peer reviews."""
