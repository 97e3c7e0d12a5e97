"""kg: knowledge graphs from Chinese government news pages."""

__version__ = "0.1.0"
