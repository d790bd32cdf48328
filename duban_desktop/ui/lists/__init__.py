"""The three lists (督查台账, 协调事项, 逾期提醒), their table models and the detail pane."""
