"""What review tells the apps above it, without importing them."""

from django.dispatch import Signal

# Sent inside `feedback_issue`'s transaction once the 附件2 is issued, with `feedback` (its items final)
# and `acting_user`; a receiver that raises rolls the issue back.
feedback_issued = Signal()
