"""The seed collection: five meeting documents loaded when a catalogue is first used."""
