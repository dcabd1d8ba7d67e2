"""The demo enterprise: people, business units, calendar, governance and controls to try
Signalbox with (`signalbox demo`). Not part of the production server: the CLI loads it."""
