"""What projects tells the apps above it, without importing them."""

from django.dispatch import Signal

# Sent inside `project_details_update`'s transaction when a project's details changed, with `project`:
# the roll-up above counts key projects apart, and caches show names.
project_details_changed = Signal()
