"""Where kubectl-py keeps what it remembers between commands (discovery, the server last dialled), and the
only code that reads and writes those files. Kept light: the early connection reads it before anything
else is loaded.

Cache files are private (0600, in 0700 folders) and never followed through a symlink: a file is written to
a fresh temporary name in its folder (``mkstemp``: created exclusively, 0600) and renamed over the old
one, and read with ``O_NOFOLLOW``. A folder is used only when it is ours and nobody else can write to it
(an existing one of ours is narrowed to 0700); a symlinked folder only when the link and the folder it
leads to are ours. A cache that cannot be trusted or written is ignored: commands work without it.
"""

import os
import stat

_POSIX = hasattr(os, "getuid")  # Windows has neither owners nor mode bits to check


def cache_dir() -> str:
    """``$KUBECTL_PY_CACHE_DIR``, else ``~/.cache/kubectl-py``."""
    return os.environ.get("KUBECTL_PY_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "kubectl-py")


def cache_path(*parts: str) -> str:
    return os.path.join(cache_dir(), *parts)


def read_file(path: str):
    """The text of the cache file ``path``, or None: missing, unreadable, or not to be trusted (a symlink,
    not a regular file, not ours, in a folder that is not private)."""
    if not _trusted_folders(os.path.dirname(path), create=False):
        return None
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)  # a FIFO must not block
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode) or not _ours(info):
                return None
            return fh.read().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def write_file(path: str, text: str) -> bool:
    """Replace the cache file ``path`` with ``text`` at once (readers see the old file or the new one);
    False when it could not be written, which is no error."""
    import tempfile

    folder, name = os.path.split(path)
    if not _trusted_folders(folder, create=True):
        return False
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8"))
        os.replace(temporary, path)  # renames over a symlink planted at ``path``, never through it
        return True
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        return False


def _trusted_folders(folder: str, create: bool) -> bool:
    """Whether ``folder`` (the cache folder or one below it) and every cache folder above it are private
    and ours; with ``create``, missing ones are made 0700."""
    root = os.path.normpath(cache_dir())
    folder = os.path.normpath(folder)
    chain = [root]
    try:
        relative = os.path.relpath(folder, root)
    except ValueError:  # another drive (Windows)
        return False
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return False  # not a cache folder
    if relative != os.curdir:
        for part in relative.split(os.sep):
            chain.append(os.path.join(chain[-1], part))
    return all(_private_folder(path, create) for path in chain)


def _private_folder(path: str, create: bool) -> bool:
    try:
        link = os.lstat(path)
    except FileNotFoundError:
        if not create:
            return False
        try:
            os.makedirs(path, mode=0o700, exist_ok=True)
            link = os.lstat(path)
        except OSError:
            return False
    except OSError:
        return False
    if not _ours(link):
        return False
    try:
        info = os.stat(path) if stat.S_ISLNK(link.st_mode) else link
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode) or not _ours(info) or (_POSIX and info.st_mode & 0o022):
        return False  # not a folder, not ours, or others may add files to it
    if _POSIX and info.st_mode & 0o077:
        try:
            os.chmod(path, 0o700)
        except OSError:
            pass
    return True


def _ours(info) -> bool:
    return not _POSIX or info.st_uid == os.getuid()
