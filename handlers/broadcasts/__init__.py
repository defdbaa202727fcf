"""/broadcast: compose, address, send and follow a broadcast."""
