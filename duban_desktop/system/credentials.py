"""The server's password, kept by the operating system's keyring (Windows Credential
Manager, macOS Keychain, the Secret Service on Linux), or nowhere.

Nothing here writes a password to a file or a log. Where the system has no keyring
(``keyring``'s fail backend, a locked or missing service) the functions say so by
returning None / False and the password is asked for each time.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

SERVICE = "督办 Desktop 数据库服务器"


def _keyring():
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return None
    return keyring


def available() -> bool:
    return _keyring() is not None


def get_password(account: str) -> str | None:
    """The stored password for ``account`` (the server's 用户@主机:端口/数据库), or None."""
    keyring = _keyring()
    if keyring is None:
        return None
    try:
        return keyring.get_password(SERVICE, account)
    except Exception as exc:  # any backend failure: ask the user instead
        log.warning("keyring could not be read: %s", type(exc).__name__)
        return None


def set_password(account: str, password: str) -> bool:
    """Store it; False when the system has no keyring or refused."""
    keyring = _keyring()
    if keyring is None:
        return False
    try:
        keyring.set_password(SERVICE, account, password)
    except Exception as exc:
        log.warning("keyring could not store the password: %s", type(exc).__name__)
        return False
    return True


def forget(account: str) -> None:
    keyring = _keyring()
    if keyring is None:
        return
    try:
        keyring.delete_password(SERVICE, account)
    except Exception:  # not stored, or no backend: nothing to forget
        return
