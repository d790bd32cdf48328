"""Files the office exchanges: Word forms, the Excel ledger, backups. No Qt."""
