"""What monitoring tells the apps above it, without importing them."""

from django.dispatch import Signal

# Sent inside `cycle_update`'s transaction when a cycle's status turns to closed, with `cycle` and
# `acting_user`; a receiver that raises rolls the close back.
cycle_closed = Signal()
