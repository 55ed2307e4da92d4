"""What monitoring tells the apps above it, without importing them."""

from django.dispatch import Signal

# Sent inside `cycle_update`'s transaction when a cycle's status turns to closed, with `cycle` and
# `acting_user`; a receiver that raises rolls the close back.
cycle_closed = Signal()

# Sent after the commit of a transaction that rewrote roll-up rows (`jixiao.monitoring.rollup`), with
# `cycle_id`: readers that cache figures drawn from the roll-up know they no longer hold.
rollup_changed = Signal()
