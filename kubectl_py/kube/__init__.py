"""Talking to clusters (and to offline dumps): kubeconfig, HTTP, discovery, fan-out. Plain dicts only."""
