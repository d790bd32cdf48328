"""What the menus and buttons do beyond a step: exports, database actions,
keyboard shortcuts."""
