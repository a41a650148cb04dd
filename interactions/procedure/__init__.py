"""The guided-step engine: scenario model and loader, step types, triggers, scoring (pure Python, no GL, no runtime)."""
