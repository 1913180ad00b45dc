"""kubectl-py: kubectl plugins for getting answers out of Kubernetes clusters.

The public library API lives in :mod:`kubectl_py.api`; this module imports nothing so that
every plugin's start-up stays cheap.
"""

__version__ = "0.1.0"
