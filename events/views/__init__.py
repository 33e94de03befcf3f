"""The events pages: finding an event (``public``), booking and one's own
bookings (``bookings``) and calendar files and feeds (``calendars``)."""
