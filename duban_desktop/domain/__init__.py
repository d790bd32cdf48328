"""The office's rules: workflows, numbering, working days, alerts, statistics. No Qt."""
