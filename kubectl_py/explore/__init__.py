"""``kubectl py-explore``: the field index (``fields``) that lists and completes the paths present in loaded
items, and the interactive template builder on top of it."""
