"""The pure core: no I/O, no clock, no environment. Dates and time zones are arguments."""
