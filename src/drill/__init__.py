"""drill: memorise the formulations (提法) of Chinese speeches.

Importing this package imports nothing heavy (no Textual, no jieba).
"""

__version__ = "0.1.0"
