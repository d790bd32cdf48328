"""Process-level modules: where files live, logging, operating-system errors,
desktop launchers, cancelling, the errors a user is shown. No Qt, nothing above."""
