"""Regional events: events, bookings, waiting lists and reminders (built in a later issue)."""
