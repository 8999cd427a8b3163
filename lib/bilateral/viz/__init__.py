"""Charts (altair) and tables for notebooks: take frames, return displayable objects; no I/O."""
