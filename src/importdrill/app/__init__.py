"""The use cases: one method per thing a learner or author does, each returning a result that
knows its own versioned JSON form. Imports the core, never a front end."""
