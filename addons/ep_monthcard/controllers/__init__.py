# One import per line: several people add controllers at once.
