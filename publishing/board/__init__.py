"""The issue planning board: assembling an issue's contents under /editorial/issues/."""
