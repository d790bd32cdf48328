"""Dialogs and pages: forms for the steps, settings, units, templates, the import
wizard, the file dialogs."""
