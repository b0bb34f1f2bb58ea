"""drill's domain core: pure Python, no terminal UI."""
