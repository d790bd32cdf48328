"""Starting the window: the application, the first screen's preload, the style,
the first-start welcome."""
