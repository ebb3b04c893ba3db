"""The core: the problem model and the engine that runs and judges programs. It never prints,
prompts or exits, and imports nothing from app, the views or the front ends."""
