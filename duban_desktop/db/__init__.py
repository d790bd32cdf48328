"""Storage: peewee models, opening and migrating a database, backups. No Qt here."""

from .connection import close_database, current_path, open_database, write_transaction
from .errors import (
    DamagedDatabaseError,
    DatabaseError,
    DatabaseMissingError,
    MigrationError,
    NewerSchemaError,
    NotADatabaseError,
)
from .migrations import SCHEMA_VERSION
from .models import database

__all__ = [
    "SCHEMA_VERSION",
    "DamagedDatabaseError",
    "DatabaseError",
    "DatabaseMissingError",
    "MigrationError",
    "NewerSchemaError",
    "NotADatabaseError",
    "close_database",
    "current_path",
    "database",
    "open_database",
    "write_transaction",
]
